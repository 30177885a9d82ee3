// idcard: GB 11643-1999 citizen ID numbers.
//
// The pattern for every capability: import the glue functions, wrap each
// public function with fn() (arguments checked with args.js), group them in
// a namespace, export it, and add one line to exports.js and the types to
// ../index.d.ts. Structured values cross the boundary as JSON text:
// JSON.stringify the checked arguments, JSON.parse the results.

import { idcardParse } from 'mpshield-glue';
import { fn, namespace } from './runtime.js';
import { string } from './args.js';

export const idcard = namespace({
  /**
   * Parses and validates an 18-character citizen ID number.
   * @returns {{ number, region, province, birthDate, sex, checkCharacter }}
   */
  parse: fn(function parse(number) {
    return JSON.parse(idcardParse(string(number, 'number')));
  }),
});
