package sscard.common;

import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * The record file system (SSC-FILE-*): DFs (sub-applications), linear-fixed EFs addressed by SFI or
 * FID, fixed-size records (SIMPLE-TLV items, or EMV templates 70), as the FILES, RECORDS, ITEMS and
 * DFS tables describe them. Every record exists from installation (SSC-FILE-5): the store is one
 * persistent array, a copy of RECORD_IMAGES, each record at its table offset.
 *
 * <p>Which DF and EF are current is session state ({@link Transients}).
 */
public final class FileSystem implements CommonConstants {

    private final Tables t;
    private final byte[] store;

    public FileSystem(Tables tables) {
        t = tables;
        store = new byte[tables.recordImages.length];
        Util.arrayCopy(tables.recordImages, (short) 0, store, (short) 0, (short) store.length);
    }

    /** Writes bytes into the store at creation (the card-unique bytes of SSC-FILE-4). */
    public void initialise(short storeOff, byte[] src, short off, short length) {
        Util.arrayCopy(src, off, store, storeOff, length);
    }

    // ---------------------------------------------------------------- DFs

    /** The DF (1..) whose AID is {@code buf[off..off+length)}, or -1. */
    public byte dfByAid(byte[] buf, short off, short length) {
        byte[] dfs = t.dfs;
        byte index = 1;
        for (short p = 0; p < (short) dfs.length; index++) {
            short len = Bytes.u8(dfs, p);
            if (len == length && Util.arrayCompare(dfs, (short) (p + 1), buf, off, length) == 0) {
                return index;
            }
            p = (short) (p + 1 + len + 2);
        }
        return -1;
    }

    /** Writes {@code 84 L AID} of DF {@code df} at {@code out[off..]}; returns the length written. */
    public short dfName(byte df, byte[] out, short off) {
        byte[] dfs = t.dfs;
        short p = 0;
        for (byte index = 1; index < df; index++) {
            p = (short) (p + 1 + Bytes.u8(dfs, p) + 2);
        }
        short len = Bytes.u8(dfs, p);
        out[off] = (byte) 0x84;
        out[(short) (off + 1)] = (byte) len;
        Util.arrayCopyNonAtomic(dfs, (short) (p + 1), out, (short) (off + 2), len);
        return (short) (len + 2);
    }

    // ---------------------------------------------------------------- EFs

    private short fileColumn(short file, byte column) {
        return Bytes.u8(t.files, (short) (file * FILES_ENTRY_SIZE + column));
    }

    private short files() {
        return (short) (t.files.length / FILES_ENTRY_SIZE);
    }

    /** The EF of DF {@code df} with SFI {@code sfi}, or -1. */
    public short fileBySfi(byte df, short sfi) {
        for (short f = 0; f < files(); f++) {
            if (fileColumn(f, FILES_DF) == df && fileColumn(f, FILES_SFI) == sfi) {
                return f;
            }
        }
        return -1;
    }

    /** The EF of DF {@code df} with FID {@code fid}, or -1. */
    public short fileByFid(byte df, short fid) {
        for (short f = 0; f < files(); f++) {
            short row = (short) (f * FILES_ENTRY_SIZE);
            if (fileColumn(f, FILES_DF) == df && (fileColumn(f, FILES_FLAGS) & FILES_FLAG_FID) != 0
                    && Util.getShort(t.files, (short) (row + FILES_FID)) == fid) {
                return f;
            }
        }
        return -1;
    }

    /** COND_ bits (high byte) and key id (low byte) of an operation's access rule (FILE_ACCESS). */
    public short fileAccess(short file, byte variant, boolean update) {
        short p = (short) ((file * t.accessVariants + variant) * FILE_ACCESS_ENTRY_SIZE);
        return Util.getShort(t.fileAccess, (short) (p + (update ? FILE_ACCESS_UPDATE : FILE_ACCESS_READ)));
    }

    // ---------------------------------------------------------------- records

    private short recordColumn(short record, byte column) {
        return Bytes.u8(t.records, (short) (record * RECORDS_ENTRY_SIZE + column));
    }

    /** The RECORDS row of record {@code number} of {@code file}, or -1. */
    public short recordByNumber(short file, short number) {
        short first = fileColumn(file, FILES_FIRST_RECORD);
        short end = (short) (first + fileColumn(file, FILES_RECORD_COUNT));
        for (short r = first; r < end; r++) {
            if (recordColumn(r, RECORDS_NUMBER) == number) {
                return r;
            }
        }
        return -1;
    }

    /** The RECORDS row of the SIMPLE-TLV record of {@code file} whose tag is {@code tag}, or -1. */
    public short recordByTag(short file, byte tag) {
        short first = fileColumn(file, FILES_FIRST_RECORD);
        short end = (short) (first + fileColumn(file, FILES_RECORD_COUNT));
        for (short r = first; r < end; r++) {
            if ((recordColumn(r, RECORDS_FLAGS) & RECORDS_FLAG_SIMPLE_TLV) != 0
                    && t.records[(short) (r * RECORDS_ENTRY_SIZE + RECORDS_TAG)] == tag) {
                return r;
            }
        }
        return -1;
    }

    /** The first RECORDS row of {@code file} and one past its last. */
    public short firstRecord(short file) {
        return fileColumn(file, FILES_FIRST_RECORD);
    }

    public short endRecord(short file) {
        return (short) (fileColumn(file, FILES_FIRST_RECORD) + fileColumn(file, FILES_RECORD_COUNT));
    }

    public short recordNumber(short record) {
        return recordColumn(record, RECORDS_NUMBER);
    }

    /** COND_ bits (high byte) and key id (low byte) of a record's extra read conditions. */
    public short recordAccess(short record, byte variant) {
        short p = (short) ((record * t.accessVariants + variant) * RECORD_ACCESS_ENTRY_SIZE);
        return Util.getShort(t.recordAccess, (short) (p + RECORD_ACCESS_READ));
    }

    private short recordOffset(short record) {
        return Util.getShort(t.records, (short) (record * RECORDS_ENTRY_SIZE + RECORDS_OFFSET));
    }

    /** Copies record {@code record} to {@code out[off..]}; returns its length. */
    public short read(short record, byte[] out, short off) {
        short size = recordColumn(record, RECORDS_SIZE);
        Util.arrayCopyNonAtomic(store, recordOffset(record), out, off, size);
        return size;
    }

    /**
     * Whether {@code buf[off..off+length)} is a complete record of this layout: the size, every
     * tag and length byte (and template) as created, cn values digits then F padding (SSC-FILE-3).
     */
    public boolean isValid(short record, byte[] buf, short off, short length) {
        if (length != recordColumn(record, RECORDS_SIZE)) {
            return false;
        }
        short image = recordOffset(record);
        short item = recordColumn(record, RECORDS_FIRST_ITEM);
        short items = (short) (item + recordColumn(record, RECORDS_ITEM_COUNT));
        short cursor = 0;
        for (; item <= items; item++) {
            // structure bytes up to the next value (or to the end) are the layout's
            short valueOff = length;
            short valueLen = 0;
            short format = 0;
            if (item < items) {
                short p = (short) (item * ITEMS_ENTRY_SIZE);
                valueOff = Bytes.u8(t.items, (short) (p + ITEMS_OFFSET));
                valueLen = Bytes.u8(t.items, (short) (p + ITEMS_LENGTH));
                format = Bytes.u8(t.items, (short) (p + ITEMS_FORMAT));
            }
            if (Util.arrayCompare(t.recordImages, (short) (image + cursor), buf, (short) (off + cursor),
                    (short) (valueOff - cursor)) != 0) {
                return false;
            }
            if (format == FMT_CN && !isCn(buf, (short) (off + valueOff), valueLen)) {
                return false;
            }
            cursor = (short) (valueOff + valueLen);
        }
        return true;
    }

    /** cn: digits, then nothing but F nibbles. */
    private static boolean isCn(byte[] buf, short off, short length) {
        boolean padding = false;
        for (short i = 0; i < (short) (length * 2); i++) {
            byte b = buf[(short) (off + (short) (i >> 1))];
            short n = (short) ((i & 1) == 0 ? (b >> 4) & 0x0F : b & 0x0F);
            if (n == 0x0F) {
                padding = true;
            } else if (n > 9 || padding) {
                return false;
            }
        }
        return true;
    }

    /** Replaces record {@code record} by {@code buf[off..]} (already validated), atomically. */
    public void write(short record, byte[] buf, short off) {
        boolean own = Atomic.begin();
        Util.arrayCopy(buf, off, store, recordOffset(record), recordColumn(record, RECORDS_SIZE));
        Atomic.commit(own);
    }
}
