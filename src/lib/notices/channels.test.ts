import { describe, expect, it } from 'vitest';
import { channelChoices, channelsOf, choiceOf } from './channels';

describe('channel choices', () => {
  it('turn into the two channels and back', () => {
    expect(channelChoices.map(channelsOf)).toEqual([
      { push: true, email: true },
      { push: true, email: false },
      { push: false, email: true },
      { push: false, email: false }
    ]);
    for (const choice of channelChoices) expect(choiceOf(channelsOf(choice))).toBe(choice);
  });
});
