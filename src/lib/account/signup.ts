import { api } from '$lib/api';
import { signIn } from './session.svelte';

/** Sign-up and password reset: the server normalises every input; these only carry it. */
export const signup = {
  requestCode: (email: string) => api.auth.signup.requestCode.mutate({ email }),
  verifyCode: async (email: string, code: string) => (await api.auth.signup.verifyCode.mutate({ email, code })).ticket,
  proveFaucet: (input: { ticket: string; faucetNo: string; phone: string; consent: boolean }) => api.auth.signup.proveFaucet.mutate(input),
  complete: (input: { ticket: string; nickname: string; password: string }) => signIn(() => api.auth.signup.complete.mutate(input))
};

export const passwordReset = {
  requestCode: (email: string) => api.auth.reset.requestCode.mutate({ email }),
  complete: (input: { email: string; code: string; password: string }) => signIn(() => api.auth.reset.complete.mutate(input))
};
