import { api } from '$lib/api';
import { refreshSession } from './session.svelte';

export const settings = {
  async changeNickname(nickname: string): Promise<void> {
    await api.account.changeNickname.mutate({ nickname });
    await refreshSession();
  },
  changePassword: (currentPassword: string, newPassword: string) => api.account.changePassword.mutate({ currentPassword, newPassword }),
  requestEmailChange: (email: string) => api.account.requestEmailChange.mutate({ email }),
  async confirmEmailChange(email: string, code: string): Promise<void> {
    await api.account.confirmEmailChange.mutate({ email, code });
    await refreshSession();
  }
};
