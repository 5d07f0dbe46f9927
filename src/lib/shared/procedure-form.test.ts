import { describe, expect, it } from 'vitest';
import { checkProcedureForm, procedureFieldNames, statusChangeProblem } from './procedure-form';

const fieldsOf = (check: ReturnType<typeof checkProcedureForm>) => (check.ok ? [] : check.problems.map((problem) => problem.field));

describe('checkProcedureForm', () => {
  it('normalises a billing-address change typed in full width', () => {
    expect(checkProcedureForm('billing-address', { name: ' 名寄　花子 ', postalCode: '〒０９６－８６８６', address: '名寄市大通南１丁目', phone: '' })).toEqual({
      ok: true,
      content: { kind: 'billing-address', name: '名寄 花子', postalCode: '096-8686', address: '名寄市大通南1丁目', phone: null }
    });
  });

  it.each(['096868', '09686860', '096-86a6'])('refuses the postal code %s next to its field', (postalCode) => {
    expect(fieldsOf(checkProcedureForm('billing-address', { name: '名寄 花子', postalCode, address: '名寄市' }))).toEqual(['postalCode']);
  });

  it('reports every missing field of a holder change at once', () => {
    expect(fieldsOf(checkProcedureForm('holder-change', {}))).toEqual(['newHolderName', 'newHolderKana', 'phone', 'effectiveDate']);
  });

  it('takes the reading in hiragana or half-width katakana and keeps it in katakana', () => {
    const check = checkProcedureForm('holder-change', {
      newHolderName: '名寄 次郎',
      newHolderKana: 'なよろ ｼﾞﾛｳ',
      phone: '０１６５４－３－２１１１',
      effectiveDate: '2026/4/1'
    });
    expect(check).toEqual({
      ok: true,
      content: { kind: 'holder-change', newHolderName: '名寄 次郎', newHolderKana: 'ナヨロ ジロウ', phone: '0165432111', effectiveDate: '2026-04-01' }
    });
  });

  it.each(['2026-04-01', '２０２６－０４－０１', '2026/4/1', '2026年4月1日'])('reads the date %s as 2026-04-01', (effectiveDate) => {
    const check = checkProcedureForm('holder-change', { newHolderName: '名寄 次郎', newHolderKana: 'ナヨロ', phone: '0165432111', effectiveDate });
    expect(check.ok && check.content.kind === 'holder-change' && check.content.effectiveDate).toBe('2026-04-01');
  });

  it('refuses a reading in kanji, a short phone, an impossible date and an over-long name', () => {
    const check = checkProcedureForm('holder-change', { newHolderName: 'あ'.repeat(61), newHolderKana: '名寄', phone: '12345', effectiveDate: '2026-02-30' });
    expect(fieldsOf(check)).toEqual(['newHolderName', 'newHolderKana', 'phone', 'effectiveDate']);
  });

  const valid = {
    'holder-change': { newHolderName: '名寄 次郎', newHolderKana: 'ナヨロ ジロウ', phone: '0165432111', effectiveDate: '2026-04-01' },
    'billing-address': { name: '名寄 花子', postalCode: '096-8686', address: '名寄市大通南1丁目', phone: '0165432111' }
  } as const;
  const fields = Object.entries(valid).flatMap(([kind, form]) => Object.keys(form).map((field) => [kind as keyof typeof valid, field] as const));
  const badCharacters = [
    ['C0', '\u0007', 'U+0007'],
    ['DEL', '\u007f', 'U+007F'],
    ['C1', '\u0085', 'U+0085'],
    ['bidi', '\u202E', 'U+202E']
  ] as const;
  describe.each(badCharacters)('%s', (_, bad, code) => {
    it.each(fields)('%s %s: refused next to the field, naming it and the character, whatever else it holds', (kind, field) => {
      const check = checkProcedureForm(kind, { ...valid[kind], [field]: `${(valid[kind] as Record<string, string>)[field]}${bad}` });
      const name = procedureFieldNames[field as keyof typeof procedureFieldNames];
      expect(check).toEqual({
        ok: false,
        problems: [{ field, reason: { ja: expect.stringContaining(`${name.ja}に使えない文字（制御文字 ${code}）`), en: expect.stringContaining(`${name.en}: contains`) } }]
      });
    });
  });

  it('needs nothing for the paper-slip request and its withdrawal', () => {
    expect(checkProcedureForm('paper-slip', {})).toEqual({ ok: true, content: { kind: 'paper-slip' } });
    expect(checkProcedureForm('paper-slip-withdrawal', {})).toEqual({ ok: true, content: { kind: 'paper-slip-withdrawal' } });
  });
});

describe('statusChangeProblem', () => {
  it('lets staff move forward only', () => {
    expect(statusChangeProblem('received', 'processing', '')).toBeNull();
    expect(statusChangeProblem('processing', 'done', '')).toBeNull();
    expect(statusChangeProblem('done', 'processing', '')?.field).toBe('status');
    expect(statusChangeProblem('processing', 'received', '')?.field).toBe('status');
    expect(statusChangeProblem('returned', 'done', '')?.field).toBe('status');
  });

  it('needs a note to return a procedure', () => {
    expect(statusChangeProblem('processing', 'returned', ' ')?.field).toBe('note');
    expect(statusChangeProblem('processing', 'returned', '印鑑が必要です')).toBeNull();
  });
});
