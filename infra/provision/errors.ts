/**
 * An existing table whose primary key is not the declared one. Tablestore cannot change a table's primary key
 * (UpdateTable only changes options: https://www.alibabacloud.com/help/en/tablestore/developer-reference/updatetable),
 * so provisioning stops rather than writing rows the table would refuse or misplace.
 */
export class TableKeyMismatchError extends Error {
  constructor(
    readonly table: string,
    readonly declared: readonly string[],
    readonly existing: readonly string[],
  ) {
    super(
      `table ${table} exists with primary key (${existing.join(', ')}) but infra/tables.ts declares (${declared.join(', ')}); ` +
        'a primary key cannot be changed: create the table under a new name and migrate, or delete it if its data is disposable',
    );
    this.name = 'TableKeyMismatchError';
  }
}
