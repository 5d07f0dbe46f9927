import { expect, type Locator, type Page } from '@playwright/test';

/** A small phone in a hand: 360 × 640 CSS pixels. */
export const phoneScreen = { viewport: { width: 360, height: 640 }, hasTouch: true } as const;

/** The browser's own text-size setting (16 px at 100 %), as a reader with large text sets it: 200 % is 32 px. */
export async function textSize(page: Page, percent: 100 | 200): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: (16 * percent) / 100, fixed: (13 * percent) / 100 } });
}

/** The browser's text size doubled (16 px → 32 px). */
export const largeText = (page: Page) => textSize(page, 200);

/** No sideways scrolling: the page is never wider than the screen (a wide table scrolls inside its own box). */
export async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.scrollingElement!.scrollWidth,
    inner: window.innerWidth,
    // What sticks out, named in the failure message.
    outside: [...document.querySelectorAll('body *')]
      .filter((element) => [...element.childNodes].some((child) => child.nodeType === Node.TEXT_NODE && child.textContent?.trim()) || element.children.length === 0)
      .filter((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        return Math.max(element.getBoundingClientRect().right, range.getBoundingClientRect().right) > window.innerWidth + 0.5;
      })
      .slice(0, 5)
      .map((element) => `<${element.tagName.toLowerCase()} class="${element.getAttribute('class') ?? ''}"> ${element.textContent?.trim().slice(0, 30) ?? ''}`)
  }));
  expect(widths.scroll, `${what}: page width ${widths.scroll} px on a ${widths.inner} px screen; ${widths.outside.join(' | ')}`).toBeLessThanOrEqual(widths.inner);
}

/** The element wholly on the screen, as it is scrolled now: left to right, and between the top and the fixed tab bar. */
export async function expectInViewport(page: Page, element: Locator, what: string): Promise<void> {
  const box = await element.boundingBox();
  const screen = page.viewportSize()!;
  const tabBarTop = await page.getByRole('navigation', { name: /^(メインメニュー|Main menu)$/ }).evaluate((nav) => nav.getBoundingClientRect().top);
  expect(box, `${what} is laid out`).not.toBeNull();
  const { x, y, width, height } = box!;
  const inside = { left: x >= 0, right: x + width <= screen.width, top: y >= 0, bottom: y + height <= tabBarTop };
  expect(inside, `${what} at x ${x}–${x + width}, y ${y}–${y + height} on a ${screen.width} px screen, the tab bar from y ${tabBarTop}`).toEqual({
    left: true,
    right: true,
    top: true,
    bottom: true
  });
}
