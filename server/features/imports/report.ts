import type { FileReport, ImportResult } from './service.js';

const statusLines: Record<ImportResult['status'], string> = {
  imported: '取り込みました / imported',
  unchanged: '変更はありませんでした / nothing changed',
  rejected: '不正な行があるため、取り込みませんでした。データベースは変更していません / rejected: nothing was changed',
  'dry-run': '確認のみ（--dry-run）: データベースは変更していません / dry run: nothing was changed'
};

const count = (value: number) => value.toLocaleString('en');

const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value on one line of the report: a line end or control character inside it is written out, not obeyed. */
const shown = (value: string) =>
  value.replace(/[\p{Cc}\u2028\u2029]/gu, (char) => escapes[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

function problemLines(report: FileReport): string[] {
  const lines = report.listed.map((problem) => {
    const column = problem.column || '-';
    const value = shown(problem.value);
    return `  ${problem.line}行目 ${column}「${value}」: ${problem.reason.ja} / line ${problem.line}, ${column} "${value}": ${problem.reason.en}`;
  });
  if (report.unlistedLines > 0) {
    lines.push(`  ほかに不正な行 ${count(report.unlistedLines)} 行、理由別の件数 / and ${count(report.unlistedLines)} more bad lines, by rule:`);
    for (const { column, rule, count: problems } of report.unlisted) {
      lines.push(`    ${column || '-'}: ${rule.ja} / ${rule.en} … ${count(problems)}`);
    }
  }
  return lines;
}

function summary(report: FileReport): string {
  return (
    `  集計: 読み込み ${report.rowsRead} 行、追加 ${report.inserted}、更新 ${report.updated}、変更なし ${report.unchanged}` +
    ` / summary: rows read ${report.rowsRead}, inserted ${report.inserted}, updated ${report.updated}, unchanged ${report.unchanged}`
  );
}

/** `npm run import`'s exit code for a finished import (2, a usage error, never gets this far). */
export const exitCodeOf = (result: ImportResult): 0 | 1 => (result.status === 'rejected' ? 1 : 0);

/** The report an operator reads: the first bad lines with column, value and reason in Japanese and English, the rest counted by rule. */
export function formatReport(result: ImportResult): string {
  const lines = [statusLines[result.status]];
  for (const report of result.files) {
    const encoding = report.encoding === 'sjis' ? 'Shift_JIS' : 'UTF-8';
    lines.push(`${report.fileName} (${report.kind}, ${encoding}${report.sha256 ? `, sha256 ${report.sha256}` : ''})`);
    for (const warning of report.warnings) lines.push(`  warning: ${shown(warning)}`);
    if (report.badLines > 0) {
      lines.push(`  不正な行 ${count(report.badLines)} 行 / bad lines: ${count(report.badLines)}`);
      // One at a time: spreading a long array into push() overflows the call stack.
      for (const line of problemLines(report)) lines.push(line);
    }
    lines.push(summary(report));
  }
  return `${lines.join('\n')}\n`;
}
