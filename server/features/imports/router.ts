import type { IncomingHttpHeaders } from 'node:http';
import { octetInputParser } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { importKinds } from '../../domain/import-rows.js';
import { inputProblem } from '../../http/input-text.js';
import { adminProcedure, router, serviceDeps } from '../../trpc.js';
import { uploadEncodings, uploadHeaderNames } from '../../../src/lib/shared/import-upload.js';
import { importUpload, uploadsDirOf } from './upload.js';

/** The name as sent, URI-encoded (a header holds bytes, not text); null when it does not decode. */
function decodedName(sent: string): string | null {
  try {
    return decodeURIComponent(sent);
  } catch {
    return null;
  }
}

/**
 * The upload's fields besides the file, from its headers (the body is the file). Its file's
 * name goes into the report, import_runs and the audit log, so it is held to what any text
 * field is; a bad one is refused next to the file.
 */
const uploadFields = z.object({
  kind: z.enum(importKinds),
  encoding: z.enum(uploadEncodings).default('auto'),
  previewed: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  file: z
    .string()
    .transform(decodedName)
    .pipe(z.string().refine((name) => name.length <= 255 && inputProblem(name) === null)),
  /** Content-Length: a file too large is refused before its bytes are read. A chunked body has none, and is cut off by api.ts. */
  size: z.coerce.number().int().nonnegative().optional()
});

function uploadFieldsOf(headers: IncomingHttpHeaders) {
  const fields = uploadFields.safeParse({
    kind: headers[uploadHeaderNames.kind],
    encoding: headers[uploadHeaderNames.encoding],
    previewed: headers[uploadHeaderNames.previewed],
    file: headers[uploadHeaderNames.fileName],
    size: headers['content-length']
  });
  // As a refused input is: the error formatter puts its reason next to its field.
  if (!fields.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: fields.error });
  return fields.data;
}

export const importsRouter = router({
  /** Admins only: an import rewrites every customer's bills. */
  upload: adminProcedure.input(octetInputParser).mutation(({ ctx, input }) => {
    const { file, size, ...fields } = uploadFieldsOf(ctx.request.headers);
    return importUpload(serviceDeps(ctx), { profile: ctx.config.profile, uploadsDir: uploadsDirOf(ctx.config.dataDir) }, ctx.staff, {
      ...fields,
      fileName: file,
      declaredBytes: size,
      body: input
    });
  })
});

/** The one route whose body is a file: api.ts allows it more than any other, and only for an admin. */
export const UPLOAD_ROUTE = 'staff.imports.upload';
