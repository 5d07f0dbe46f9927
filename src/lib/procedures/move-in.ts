import { api } from '$lib/api';

/**
 * 使用開始, filed by anyone: the e-mail is confirmed with a code first, as at sign-up. The server
 * normalises and checks every input again; these only carry it. The client id is made once per
 * application, so sending it again after a lost answer gets the same receipt.
 */
export const moveIn = {
  requestCode: (email: string) => api.moves.requestCode.mutate({ email }),
  verifyCode: async (email: string, code: string) => (await api.moves.verifyCode.mutate({ email, code })).ticket,
  file: (input: { ticket: string; clientId: string; fields: Record<string, string> }) => api.moves.fileMoveIn.mutate(input)
};
