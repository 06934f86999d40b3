/**
 * Reads the 100-byte SQLite file header without opening the database, so that a file
 * that is not ours can be refused without SQLite touching it (not even a -shm file).
 * Layout: https://www.sqlite.org/fileformat.html#the_database_header
 */
export interface SqliteHeader {
  /** Bytes 18–19 are 2 in WAL mode. */
  wal: boolean;
  userVersion: number;
  applicationId: number;
}

export const HEADER_BYTES = 100;
const MAGIC = 'SQLite format 3\u0000';

/** null when the bytes are not an SQLite database header. */
export function parseSqliteHeader(bytes: Uint8Array): SqliteHeader | null {
  if (bytes.length < HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) return null;
  }
  return {
    wal: bytes[18] === 2 && bytes[19] === 2,
    userVersion: view.getInt32(60),
    applicationId: view.getUint32(68),
  };
}
