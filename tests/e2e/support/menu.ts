import { expect, type Page } from '@playwright/test';

/** The tab bar's メニュー tab, in either language. */
export const menuTab = (page: Page) => page.getByRole('navigation', { name: /^(メインメニュー|Main menu)$/ }).getByRole('link', { name: /^(メニュー|Menu)$/ });

/** The language switch lives in メニュー: opened from the tab bar, then back to the page the customer was on. */
export async function chooseLanguage(page: Page, language: 'English' | '日本語'): Promise<void> {
  const before = page.url();
  const onMenu = new URL(before).pathname === '/menu';
  if (!onMenu) await menuTab(page).click();
  await page.getByRole('button', { name: language }).click();
  await expect(page.getByRole('button', { name: language })).toHaveAttribute('aria-pressed', 'true');
  if (!onMenu) {
    await page.goBack();
    await expect(page).toHaveURL(before);
  }
}

/** ログアウト from メニュー, which asks first (the device's copy goes with it). */
export async function logOutFromMenu(page: Page): Promise<void> {
  await menuTab(page).click();
  await page.getByRole('button', { name: 'ログアウト', exact: true }).click();
  await page.getByRole('button', { name: 'ログアウトする' }).click();
}
