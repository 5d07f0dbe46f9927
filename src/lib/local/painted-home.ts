/**
 * The installed app's Home, painted before the app has loaded: src/app.html's inline script reads
 * the snapshot of the last Home this device showed (home-snapshot.ts) out of the device's copy
 * with raw IndexedDB and paints it into the shell at "/", in an element of this class, as long as
 * the app has drawn nothing yet. The app draws its own page beside it, hidden (app.css), and
 * takes the painted one down once its own shows the bills, or shows anything else: the first
 * screen does not change in between.
 */
export const PAINTED_HOME_CLASS = 'home-snapshot';

/**
 * When the copy the painted Home shows was pulled, null where none is painted. One is painted
 * only where a copy is held: the snapshot is kept in it and goes with it.
 */
export function paintedHomePulledAt(): number | null {
  const painted = document.querySelector<HTMLElement>(`.${PAINTED_HOME_CLASS}`);
  return painted ? Number(painted.dataset.pulledAt) : null;
}

/** The app's own page shows from now on. */
export function takeDownPaintedHome(): void {
  document.querySelector(`.${PAINTED_HOME_CLASS}`)?.remove();
  document.querySelector('.app-root')?.classList.remove('painted');
}
