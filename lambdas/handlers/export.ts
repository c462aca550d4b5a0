import { PassThrough } from 'node:stream';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { SinkClosedError, writableSink } from '../adapters/writable-sink';
import { logger } from '../shared/logger';
import { type ExportHandler, makeExportHandler } from './export/export-handler';
import { streamingEntry } from './lambda-entry';

export { type ExportDeps, type ExportHandler, makeExportHandler } from './export/export-handler';

let cold: Promise<ExportHandler> | undefined;

/**
 * The Lambda entry point of the CSV exports, behind a function URL in RESPONSE_STREAM mode: a
 * refusal is sent whole; an accepted export returns its headers at once and a body stream that
 * the export writes into page by page (the sink waits whenever Lambda's stream is full). A failure
 * half-way ends the stream with an error, so the client sees a broken download, never a short file
 * that looks complete.
 */
export const handler = streamingEntry(async (event: LambdaFunctionURLEvent) => {
  cold ??= import('./export/aws-deps').then(({ awsExportDeps }) => makeExportHandler(awsExportDeps(process.env)));
  const result = await (await cold)(event);
  if (!('stream' in result)) return result;
  const body = new PassThrough();
  result.stream(writableSink(body)).then(
    ({ rows }) => {
      logger.info('export streamed', { rows });
      body.end();
    },
    (err: unknown) => {
      if (err instanceof SinkClosedError) logger.info('export abandoned by the client');
      else logger.error('export failed mid-stream', { error: err instanceof Error ? err.message : String(err) });
      body.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  );
  return { statusCode: result.statusCode, headers: result.headers, body };
});
