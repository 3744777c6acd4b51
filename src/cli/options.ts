/** Option parts several commands share: a bounded number, a repeatable value, the library to open. */
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';

/** A number in [min, max] (an integer when asked), or a usage error naming the option. */
export function number(name: string, min: number, max: number, integer = false) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    return n;
  };
}

/** A repeatable option's values, in the order given. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Every command works on one library file. */
export const dbOption = () => new Option('--db <file|url>', 'library: a SQLite file, or postgres://user@host:port/db (default: $MARQUEE_DB or ./marquee.db)');
