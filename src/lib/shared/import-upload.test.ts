import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, uploadProblem } from './import-upload';

describe('uploadProblem', () => {
  it('takes any file from one byte up to the limit', () => {
    expect(uploadProblem(1)).toBeNull();
    expect(uploadProblem(MAX_UPLOAD_BYTES)).toBeNull();
  });

  it('refuses an empty file and one a byte over the limit, naming the limit and the way around it', () => {
    expect(uploadProblem(0)).toEqual({ ja: 'ファイルが空です', en: 'The file is empty' });
    expect(uploadProblem(MAX_UPLOAD_BYTES + 1)?.ja).toBe('ファイルが大きすぎます（上限 32 MB）。これより大きいファイルは npm run import で取り込んでください');
    expect(uploadProblem(MAX_UPLOAD_BYTES + 1)?.en).toContain('npm run import');
  });
});
