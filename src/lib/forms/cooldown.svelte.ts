/** The visible wait before another code may be asked for; call stop() when the page goes. */
export class Cooldown {
  remaining = $state(0);
  #timer: ReturnType<typeof setInterval> | undefined;

  get active(): boolean {
    return this.remaining > 0;
  }

  start(seconds: number): void {
    this.stop();
    const until = Date.now() + seconds * 1000;
    this.remaining = seconds;
    this.#timer = setInterval(() => {
      this.remaining = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      if (this.remaining === 0) this.stop();
    }, 250);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
