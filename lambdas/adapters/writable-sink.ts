import type { Writable } from 'node:stream';
import type { CsvSink } from '../domain/csv-export';

/** The reader of a streamed response went away before the end. */
export class SinkClosedError extends Error {
  constructor() {
    super('the response stream closed before the export ended');
    this.name = 'SinkClosedError';
  }
}

/**
 * A {@link CsvSink} over a Node writable (a Lambda response stream, an HTTP response, a
 * PassThrough): `write` resolves at once while the stream's buffer has room and otherwise
 * waits for `drain`; it rejects when the stream closes or fails first.
 */
export function writableSink(stream: Writable): CsvSink {
  return {
    write(text) {
      if (stream.destroyed || stream.writableEnded) return Promise.reject(new SinkClosedError());
      if (stream.write(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          stream.off('drain', onDrain);
          stream.off('close', onClose);
          stream.off('error', onError);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = () => done();
        const onClose = () => done(new SinkClosedError());
        const onError = (err: Error) => done(err);
        stream.on('drain', onDrain);
        stream.on('close', onClose);
        stream.on('error', onError);
      });
    },
  };
}
