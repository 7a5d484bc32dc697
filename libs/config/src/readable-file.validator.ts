import { accessSync, constants, statSync } from 'node:fs';
import { type ValidationOptions, ValidateBy } from 'class-validator';

function isReadableFile(path: unknown): boolean {
  if (typeof path !== 'string' || path === '') return false;
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The value names a file this process can read (certificates, keys, the brokers file). */
export function IsReadableFile(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isReadableFile',
      validator: {
        validate: (value: unknown) => isReadableFile(value),
        defaultMessage: () => '$property: cannot read file "$value"',
      },
    },
    options,
  );
}
