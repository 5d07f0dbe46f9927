/** Characters that make a spreadsheet read a text cell as a formula (CSV injection). */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * A text cell as a spreadsheet shows it, never runs it: one beginning like a formula gets a
 * leading apostrophe, which Excel and LibreOffice read as "text" and do not show. The
 * customers' history CSV and both files for the billing system write their cells through it.
 */
export function neutralizeFormula(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}
