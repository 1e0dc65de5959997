import type { OperationContext } from '../context.ts';
import { OtsServerError, parameterInvalid, tableNotExist } from '../errors.ts';
import type { PrimaryKeyColumnSchema } from '../keys.ts';
import { int64ToNumber } from '../proto.ts';
import type { DefinedColumn, TableMeta } from '../table-meta.ts';

/**
 * CreateTable, ListTable, DescribeTable, UpdateTable and DeleteTable.
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/createtable and the TableOptions page
 * https://alibabacloud.com/help/en/tablestore/developer-reference/tableoptions; limits from
 * https://www.alibabacloud.com/help/en/tablestore/limits-on-widecolumn-model
 */

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const MAX_TABLES_PER_INSTANCE = 64;
const ONE_DAY_SECONDS = 86_400;
const PRIMARY_KEY_TYPES = { 1: 'INTEGER', 2: 'STRING', 3: 'BINARY' } as const;
const DEFINED_COLUMN_TYPES = { 1: 'INTEGER', 2: 'DOUBLE', 3: 'BOOLEAN', 4: 'STRING', 7: 'BINARY' } as const;

interface ProtoTableOptions {
  timeToLive?: number | null;
  maxVersions?: number | null;
  deviationCellVersionInSec?: unknown;
  allowUpdate?: boolean | null;
}

interface ProtoCapacityUnit {
  read?: number | null;
  write?: number | null;
}

interface CreateTableRequest {
  tableMeta: {
    tableName: string;
    primaryKey: { name: string; type: number; option?: number | null }[];
    definedColumn?: { name: string; type: number }[];
  };
  reservedThroughput?: { capacityUnit: ProtoCapacityUnit } | null;
  tableOptions?: ProtoTableOptions | null;
  indexMetas?: unknown[];
}

function checkTableName(name: string): void {
  if (!TABLE_NAME.test(name)) throw parameterInvalid(`Invalid table name: '${name}'.`);
}

function primaryKeySchema(columns: CreateTableRequest['tableMeta']['primaryKey']): PrimaryKeyColumnSchema[] {
  if (columns.length < 1 || columns.length > 4) {
    throw parameterInvalid(`The number of primary key columns must be in range: [1, 4]. Got ${columns.length}.`);
  }
  const seen = new Set<string>();
  const schema = columns.map((column, index) => {
    if (!TABLE_NAME.test(column.name)) throw parameterInvalid(`Invalid primary key name: '${column.name}'.`);
    if (seen.has(column.name)) throw parameterInvalid(`Duplicated primary key name: '${column.name}'.`);
    seen.add(column.name);
    const type = PRIMARY_KEY_TYPES[column.type as keyof typeof PRIMARY_KEY_TYPES];
    if (type === undefined) throw parameterInvalid(`Unsupported primary key type of '${column.name}'.`);
    const autoIncrement = column.option === 1;
    if (autoIncrement && index === 0) throw parameterInvalid("First primary key can't be auto increment column.");
    if (autoIncrement && type !== 'INTEGER') throw parameterInvalid(`Auto increment column '${column.name}' must be INTEGER.`);
    return { name: column.name, type, autoIncrement };
  });
  if (schema.filter((column) => column.autoIncrement).length > 1) {
    throw parameterInvalid('A table can have at most one auto increment primary key column.');
  }
  return schema;
}

function definedColumns(columns: { name: string; type: number }[] = []): DefinedColumn[] {
  if (columns.length > 32) throw parameterInvalid('The number of defined columns must be in range: [0, 32].');
  return columns.map((column) => {
    const type = DEFINED_COLUMN_TYPES[column.type as keyof typeof DEFINED_COLUMN_TYPES];
    if (type === undefined) throw parameterInvalid(`Unsupported defined column type of '${column.name}'.`);
    return { name: column.name, type };
  });
}

function checkOptions(meta: Pick<TableMeta, 'timeToLive' | 'maxVersions' | 'maxTimeDeviation'>): void {
  if (meta.timeToLive !== -1 && meta.timeToLive < ONE_DAY_SECONDS) {
    throw parameterInvalid(`TimeToLive must be -1 or at least ${ONE_DAY_SECONDS} seconds. Got ${meta.timeToLive}.`);
  }
  if (!(meta.maxVersions >= 1)) throw parameterInvalid(`MaxVersions must be greater than 0. Got ${meta.maxVersions}.`);
  if (!(meta.maxTimeDeviation >= 1)) {
    throw parameterInvalid(`MaxTimeDeviation must be greater than 0. Got ${meta.maxTimeDeviation}.`);
  }
}

export function createTable(request: CreateTableRequest, context: OperationContext): Record<string, unknown> {
  const { tableMeta } = request;
  checkTableName(tableMeta.tableName);
  if (request.indexMetas !== undefined && request.indexMetas.length > 0) {
    throw parameterInvalid('Secondary indexes are not supported by the local Tablestore server.');
  }
  const options = request.tableOptions ?? {};
  const nowSeconds = Math.floor(context.now() / 1000);
  const meta: TableMeta = {
    name: tableMeta.tableName,
    primaryKey: primaryKeySchema(tableMeta.primaryKey),
    definedColumns: definedColumns(tableMeta.definedColumn),
    timeToLive: options.timeToLive ?? -1,
    maxVersions: options.maxVersions ?? 1,
    maxTimeDeviation: options.deviationCellVersionInSec ? int64ToNumber(options.deviationCellVersionInSec) : ONE_DAY_SECONDS,
    allowUpdate: options.allowUpdate ?? true,
    reservedRead: request.reservedThroughput?.capacityUnit.read ?? 0,
    reservedWrite: request.reservedThroughput?.capacityUnit.write ?? 0,
    createdAt: nowSeconds,
    lastIncreaseTime: nowSeconds,
  };
  checkOptions(meta);
  if (context.storage.table(context.instance, meta.name) !== undefined) {
    throw new OtsServerError('OTSObjectAlreadyExist', 'Requested table already exists.');
  }
  if (context.storage.listTables(context.instance).length >= MAX_TABLES_PER_INSTANCE) {
    throw new OtsServerError('OTSQuotaExhausted', `Number of tables exceeded the quota: ${MAX_TABLES_PER_INSTANCE}.`);
  }
  context.storage.createTable(context.instance, meta);
  return {};
}

export function listTable(_request: unknown, context: OperationContext): Record<string, unknown> {
  return { tableNames: context.storage.listTables(context.instance) };
}

function requireMeta(context: OperationContext, tableName: string): TableMeta {
  const table = context.storage.table(context.instance, tableName);
  if (table === undefined) throw tableNotExist();
  return table.meta;
}

function protoOptions(meta: TableMeta): Record<string, unknown> {
  return {
    timeToLive: meta.timeToLive,
    maxVersions: meta.maxVersions,
    deviationCellVersionInSec: meta.maxTimeDeviation,
    allowUpdate: meta.allowUpdate,
  };
}

function throughputDetails(meta: TableMeta): Record<string, unknown> {
  return {
    capacityUnit: { read: meta.reservedRead, write: meta.reservedWrite },
    lastIncreaseTime: meta.lastIncreaseTime,
    ...(meta.lastDecreaseTime === undefined ? {} : { lastDecreaseTime: meta.lastDecreaseTime }),
  };
}

export function describeTable(request: { tableName: string }, context: OperationContext): Record<string, unknown> {
  const meta = requireMeta(context, request.tableName);
  const primaryKeyTypes = { INTEGER: 1, STRING: 2, BINARY: 3 } as const;
  const definedTypes = { INTEGER: 1, DOUBLE: 2, BOOLEAN: 3, STRING: 4, BINARY: 7 } as const;
  return {
    tableMeta: {
      tableName: meta.name,
      primaryKey: meta.primaryKey.map((column) => ({
        name: column.name,
        type: primaryKeyTypes[column.type],
        ...(column.autoIncrement ? { option: 1 } : {}),
      })),
      definedColumn: meta.definedColumns.map((column) => ({ name: column.name, type: definedTypes[column.type] })),
    },
    reservedThroughputDetails: throughputDetails(meta),
    tableOptions: protoOptions(meta),
    tableStatus: 1,
  };
}

interface UpdateTableRequest {
  tableName: string;
  reservedThroughput?: { capacityUnit: ProtoCapacityUnit } | null;
  tableOptions?: ProtoTableOptions | null;
}

export function updateTable(request: UpdateTableRequest, context: OperationContext): Record<string, unknown> {
  const current = requireMeta(context, request.tableName);
  const options = request.tableOptions ?? {};
  const capacity = request.reservedThroughput?.capacityUnit;
  const nowSeconds = Math.floor(context.now() / 1000);
  const read = capacity?.read ?? current.reservedRead;
  const write = capacity?.write ?? current.reservedWrite;
  const raised = read > current.reservedRead || write > current.reservedWrite;
  const lowered = read < current.reservedRead || write < current.reservedWrite;
  const meta: TableMeta = {
    ...current,
    timeToLive: options.timeToLive ?? current.timeToLive,
    maxVersions: options.maxVersions ?? current.maxVersions,
    maxTimeDeviation: options.deviationCellVersionInSec ? int64ToNumber(options.deviationCellVersionInSec) : current.maxTimeDeviation,
    allowUpdate: options.allowUpdate ?? current.allowUpdate,
    reservedRead: read,
    reservedWrite: write,
    lastIncreaseTime: raised ? nowSeconds : current.lastIncreaseTime,
    ...(lowered ? { lastDecreaseTime: nowSeconds } : {}),
  };
  checkOptions(meta);
  context.storage.updateTableMeta(context.instance, meta);
  return { reservedThroughputDetails: throughputDetails(meta), tableOptions: protoOptions(meta) };
}

export function deleteTable(request: { tableName: string }, context: OperationContext): Record<string, unknown> {
  requireMeta(context, request.tableName);
  context.storage.deleteTable(context.instance, request.tableName);
  return {};
}
