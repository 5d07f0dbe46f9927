import type { FileReport, ImportResult } from './service.js';

const statusLines: Record<ImportResult['status'], string> = {
  imported: '取り込みました / imported',
  unchanged: '変更はありませんでした / nothing changed',
  rejected: '不正な行があるため、取り込みませんでした。データベースは変更していません / rejected: nothing was changed',
  'dry-run': '確認のみ（--dry-run）: データベースは変更していません / dry run: nothing was changed'
};

function problemLines(report: FileReport): string[] {
  return report.problems.map((problem) => {
    const column = problem.column || '-';
    return `  ${problem.line}行目 ${column}「${problem.value}」: ${problem.reason.ja} / line ${problem.line}, ${column} "${problem.value}": ${problem.reason.en}`;
  });
}

function summary(report: FileReport): string {
  return (
    `  集計: 読み込み ${report.rowsRead} 行、追加 ${report.inserted}、更新 ${report.updated}、変更なし ${report.unchanged}` +
    ` / summary: rows read ${report.rowsRead}, inserted ${report.inserted}, updated ${report.updated}, unchanged ${report.unchanged}`
  );
}

/** The report an operator reads: every bad line with its column, value and reason, in Japanese and English. */
export function formatReport(result: ImportResult): string {
  const lines = [statusLines[result.status]];
  for (const report of result.files) {
    const encoding = report.encoding === 'sjis' ? 'Shift_JIS' : 'UTF-8';
    lines.push(`${report.fileName} (${report.kind}, ${encoding}${report.sha256 ? `, sha256 ${report.sha256}` : ''})`);
    for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
    if (report.problems.length > 0) {
      lines.push(`  不正な行 ${new Set(report.problems.map((problem) => problem.line)).size} 行 / bad lines: ${new Set(report.problems.map((problem) => problem.line)).size}`);
      lines.push(...problemLines(report));
    }
    lines.push(summary(report));
  }
  return `${lines.join('\n')}\n`;
}
