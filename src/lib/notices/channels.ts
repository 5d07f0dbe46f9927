/** How a topic reaches the customer, as the settings page offers it: the two channels in one choice. */
export const channelChoices = ['both', 'push', 'email', 'none'] as const;
export type ChannelChoice = (typeof channelChoices)[number];

export function choiceOf({ push, email }: { push: boolean; email: boolean }): ChannelChoice {
  return push ? (email ? 'both' : 'push') : email ? 'email' : 'none';
}

export function channelsOf(choice: ChannelChoice): { push: boolean; email: boolean } {
  return { push: choice === 'both' || choice === 'push', email: choice === 'both' || choice === 'email' };
}
