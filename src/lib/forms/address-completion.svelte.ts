import { fromStore } from 'svelte/store';
import { storedProfile } from '$lib/local/profile';
import { addressStartFor } from '$lib/shared/postal-area';

/**
 * Fills in an address up to the town once its postal code is one of the utility's area (the
 * profile's list), on the device, also offline. What it filled is replaced when the code
 * changes, never once the customer has typed on. Call while a component is set up: it watches
 * `values[postalCode]` and writes `values[address]`.
 */
export function addressCompletion<Field extends string>(values: Record<Field, string>, postalCode: Field, address: Field) {
  const profile = fromStore(storedProfile);
  let filled = $state<string | undefined>();
  $effect(() => {
    const start = addressStartFor(profile.current?.profile.area, values[postalCode]);
    if (start !== undefined && (values[address] === '' || values[address] === filled)) {
      values[address] = start;
      filled = start;
    }
  });
  return {
    /** The address still begins with what the postal code filled in: its hint says to add the rest. */
    get shown(): boolean {
      return filled !== undefined && values[address].startsWith(filled);
    }
  };
}
