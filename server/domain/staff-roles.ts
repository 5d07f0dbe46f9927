/** What a member of staff may be: a clerk helps customers; an admin also runs imports and manages staff. */
export const staffRoles = ['clerk', 'admin'] as const;
