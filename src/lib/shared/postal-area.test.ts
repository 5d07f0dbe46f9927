import { describe, expect, it } from 'vitest';
import { addressStartFor, postalCodeOf, type PostalArea } from './postal-area';

const area: PostalArea = { prefecture: '北海道', city: '名寄市', towns: { '096-0071': '緑丘', '098-0501': '風連町本町' } };

describe('postalCodeOf', () => {
  it.each([
    ['0960071', '096-0071'],
    ['〒096-0071', '096-0071'],
    ['０９６－００７１', '096-0071'],
    [' 096 0071 ', '096-0071']
  ])('reads %s as %s', (input, code) => {
    expect(postalCodeOf(input)).toBe(code);
  });

  it.each(['', '096007', '09600711', '096-00a1'])('finds no code in "%s"', (input) => {
    expect(postalCodeOf(input)).toBeUndefined();
  });
});

describe('addressStartFor', () => {
  it('gives prefecture, city and town for a code of the area, however it was typed', () => {
    expect(addressStartFor(area, '０９８－０５０１')).toBe('北海道名寄市風連町本町');
  });

  it('gives nothing for a code outside the area, an unfinished code or a profile without an area', () => {
    expect(addressStartFor(area, '001-0024')).toBeUndefined();
    expect(addressStartFor(area, '096-00')).toBeUndefined();
    expect(addressStartFor(undefined, '096-0071')).toBeUndefined();
  });
});
