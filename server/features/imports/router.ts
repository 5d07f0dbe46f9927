import { z } from 'zod';
import { importKinds } from '../../domain/import-rows.js';
import { inputProblem } from '../../domain/input-text.js';
import { adminProcedure, router, serviceDeps } from '../../trpc.js';
import { uploadEncodings } from '../../../src/lib/shared/import-upload.js';
import { importUpload, uploadsDirOf } from './upload.js';

/**
 * The upload's form (multipart/form-data: tRPC hands it over as FormData). Its file's name goes
 * into the report, import_runs and the audit log, so it is held to what any text field is.
 */
const uploadForm = z
  .instanceof(FormData)
  .transform((form) => Object.fromEntries(form))
  .pipe(
    z.object({
      kind: z.enum(importKinds),
      encoding: z.enum(uploadEncodings).default('auto'),
      previewed: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      file: z.instanceof(File).refine((file) => file.name.length <= 255 && inputProblem(file.name) === null)
    })
  );

export const importsRouter = router({
  /** Admins only: an import rewrites every customer's bills. */
  upload: adminProcedure.input(uploadForm).mutation(({ ctx, input }) =>
    importUpload(serviceDeps(ctx), { profile: ctx.config.profile, uploadsDir: uploadsDirOf(ctx.config.dataDir) }, ctx.staff, input)
  )
});

/** The one route whose body is a file: api.ts allows it more than any other, and only for an admin. */
export const UPLOAD_ROUTE = 'staff.imports.upload';
