// generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit
package sscard.pboc;

import sscard.common.Tables;

/**
 * The PBOC tables (the arrays PbocConstants lays out), as the shared engine reads them.
 * Static arrays of constants: the converter writes them into the package's static field image, so
 * the card creates them once, when the package is loaded; the applet only references them.
 */
final class PbocTables implements PbocConstants {
    static final byte[] FCI_PROPRIETARY = {(byte) 0xA5, (byte) 0x0C, (byte) 0x50, (byte) 0x0A, (byte) 0x50, (byte) 0x42, (byte) 0x4F, (byte) 0x43, (byte) 0x20, (byte) 0x44, (byte) 0x45, (byte) 0x42, (byte) 0x49, (byte) 0x54};
    /** The AIDs of the card's other applications (length, AID; ...): CARD BLOCK ends them too. */
    static final byte[] OTHER_APPLICATIONS = {(byte) 0x0F, (byte) 0x73, (byte) 0x78, (byte) 0x31, (byte) 0x2E, (byte) 0x73, (byte) 0x68, (byte) 0x2E, (byte) 0xC9, (byte) 0xE7, (byte) 0xBB, (byte) 0xE1, (byte) 0xB1, (byte) 0xA3, (byte) 0xD5, (byte) 0xCF};
    /** Lifecycle status byte (FCI tag 8A) of each state, by state bit (LC_BIT_*) position. */
    static final byte[] LIFECYCLE_CODES = {(byte) 0x03, (byte) 0x04, (byte) 0x05, (byte) 0x06, (byte) 0x0C};

    // ---- commands, in spec order (the first row a CLA-INS-P1-P2 fits decides): CMD_* columns
    static final byte[] COMMANDS = {
        (byte) 0x00, (byte) 0xA4, (byte) 0x0F, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x0B, (byte) 0x04, (byte) 0x00, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x02, (byte) 0x05, (byte) 0x10, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x02, (byte) 0x05, (byte) 0x10, (byte) 0x00, (byte) 0x00, (byte) 0x00, // SELECT
        (byte) 0x00, (byte) 0xB2, (byte) 0x0F, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x08, (byte) 0x02, (byte) 0x01, (byte) 0xFE, (byte) 0x03, (byte) 0x10, (byte) 0x00, (byte) 0x01, (byte) 0x02, (byte) 0x01, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x02, (byte) 0x01, (byte) 0x01, (byte) 0x00, (byte) 0x00, // READ_RECORD
        (byte) 0x00, (byte) 0xDC, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x10, (byte) 0x02, (byte) 0x01, (byte) 0xFE, (byte) 0x03, (byte) 0x10, (byte) 0x00, (byte) 0x02, (byte) 0x03, (byte) 0xFF, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x01, (byte) 0x00, (byte) 0x02, (byte) 0x03, (byte) 0xFF, (byte) 0x00, (byte) 0x00, (byte) 0x00, // UPDATE_RECORD
        (byte) 0x80, (byte) 0xCA, (byte) 0x0E, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x05, (byte) 0x04, (byte) 0x03, (byte) 0x02, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x07, (byte) 0x01, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x07, (byte) 0x01, (byte) 0x01, (byte) 0x00, (byte) 0x00, // GET_DATA
        (byte) 0x00, (byte) 0x20, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x11, (byte) 0x04, (byte) 0x08, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x0A, (byte) 0x02, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x0A, (byte) 0x02, (byte) 0x00, (byte) 0x00, (byte) 0x00, // VERIFY
        (byte) 0x00, (byte) 0x84, (byte) 0x0F, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x04, (byte) 0x0C, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x0E, (byte) 0x01, (byte) 0x02, (byte) 0x0F, (byte) 0x02, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x0E, (byte) 0x01, (byte) 0x02, (byte) 0x0F, (byte) 0x02, // GET_CHALLENGE
        (byte) 0x00, (byte) 0x82, (byte) 0x0F, (byte) 0x02, (byte) 0x00, (byte) 0x00, (byte) 0x03, (byte) 0x01, (byte) 0x11, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x12, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x12, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // EXTERNAL_AUTHENTICATE
        (byte) 0x84, (byte) 0x1E, (byte) 0x0C, (byte) 0x01, (byte) 0x02, (byte) 0x00, (byte) 0x0E, (byte) 0x04, (byte) 0x13, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x15, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x08, (byte) 0x01, (byte) 0x15, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // APPLICATION_BLOCK
        (byte) 0x84, (byte) 0x18, (byte) 0x08, (byte) 0x01, (byte) 0x02, (byte) 0x00, (byte) 0x0E, (byte) 0x04, (byte) 0x16, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x18, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x01, (byte) 0x18, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // APPLICATION_UNBLOCK
        (byte) 0x84, (byte) 0x16, (byte) 0x0E, (byte) 0x11, (byte) 0x02, (byte) 0x00, (byte) 0x0E, (byte) 0x04, (byte) 0x19, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x1B, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x10, (byte) 0x01, (byte) 0x1B, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // CARD_BLOCK
        (byte) 0x84, (byte) 0x44, (byte) 0x02, (byte) 0x01, (byte) 0x02, (byte) 0x00, (byte) 0x0E, (byte) 0x04, (byte) 0x1C, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x1E, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x01, (byte) 0x1E, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // ACTIVATE
        (byte) 0x84, (byte) 0x24, (byte) 0x04, (byte) 0x01, (byte) 0x02, (byte) 0x00, (byte) 0x0F, (byte) 0x04, (byte) 0x1F, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x21, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x21, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // PIN_UNBLOCK
        (byte) 0x84, (byte) 0x24, (byte) 0x04, (byte) 0x01, (byte) 0x02, (byte) 0x03, (byte) 0x09, (byte) 0x04, (byte) 0x22, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x24, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x24, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // RELOAD_PIN
        (byte) 0x80, (byte) 0xD8, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x07, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x25, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x01, (byte) 0x00, (byte) 0x01, (byte) 0x25, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // PUT_KEY
        (byte) 0x80, (byte) 0xD4, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x0D, (byte) 0x04, (byte) 0x26, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x28, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x01, (byte) 0x00, (byte) 0x01, (byte) 0x28, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // SET_PIN
        (byte) 0x80, (byte) 0xDE, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x02, (byte) 0x04, (byte) 0x29, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x2B, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x01, (byte) 0x02, (byte) 0x01, (byte) 0x2B, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // END_PERSONALISATION
    };
    /** Value lists the COMMANDS rows point into (P1/P2 values, P1-P2 pairs, data lengths, Le values). */
    static final byte[] CMD_VALUES = {(byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x9F, (byte) 0x17, (byte) 0x9F, (byte) 0x36, (byte) 0x00, (byte) 0x00, (byte) 0x80, (byte) 0x00, (byte) 0x08, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x08, (byte) 0x00, (byte) 0x08, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x04, (byte) 0x00, (byte) 0x02, (byte) 0x14, (byte) 0x1B, (byte) 0x00, (byte) 0x00, (byte) 0x09, (byte) 0x00, (byte) 0x00, (byte) 0x00};

    // ---- keys: KEYS_* columns (try limit 0: no try counter; states: where it authenticates)
    static final byte[] KEYS = {
        (byte) 0x01, (byte) 0x09, (byte) 0x0A, (byte) 0x01, (byte) 0x02, // PERSO KPERSO_FIN
        (byte) 0x02, (byte) 0x04, (byte) 0x0F, (byte) 0x1F, (byte) 0x01, // MAINT MAC_UDK
        (byte) 0x03, (byte) 0x08, (byte) 0x00, (byte) 0x1F, (byte) 0x01, // ENC ENC_UDK
    };

    // ---- sub-applications (DFs): none
    static final byte[] DFS = {};

    // ---- access profiles: SET ACCESS PROFILE codes; profile i is access variant i + 1 (0: none set)
    static final byte[] PROFILES = {};

    // ---- the algorithm (ALGORITHM_*) of each access profile: SET ACCESS PROFILE takes the card's (SSC-PERSO-5)
    static final byte[] PROFILE_ALGORITHMS = {};

    // ---- minimum challenge length by access variant (SSC-SM-7)
    static final byte[] CHALLENGE_MINIMUM = {(byte) 0x04};

    // ---- files: FILES_* columns (DF index, FID, SFI, records)
    static final byte[] FILES = {
        (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01, (byte) 0x00, (byte) 0x02, // FIN_SFI1: Application elementary file 1 (cardholder and account data)
    };

    // read and update conditions (COND_ bits, key id) per file and access variant
    static final byte[] FILE_ACCESS = {
        (byte) 0x00, (byte) 0x00, (byte) 0x80, (byte) 0x00, // FIN_SFI1, no profile
    };

    // records: RECORDS_* columns (offset: into RECORD_IMAGES and the record store)
    static final byte[] RECORDS = {
        (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x1E, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x04, // FIN_SFI1 record 1
        (byte) 0x02, (byte) 0x00, (byte) 0x00, (byte) 0x1F, (byte) 0x00, (byte) 0x1E, (byte) 0x04, (byte) 0x01, // FIN_SFI1 record 2
    };

    // extra read conditions per record and access variant
    static final byte[] RECORD_ACCESS = {
        (byte) 0x00, (byte) 0x00, // FIN_SFI1 record 1, no profile
        (byte) 0x00, (byte) 0x00, // FIN_SFI1 record 2, no profile
    };

    // data items: value offset in the record, length, format (FMT_*)
    static final byte[] ITEMS = {
        (byte) 0x04, (byte) 0x0A, (byte) 0x01, // FIN_SFI1 record 1 5A
        (byte) 0x11, (byte) 0x01, (byte) 0x01, // FIN_SFI1 record 1 5F34
        (byte) 0x15, (byte) 0x03, (byte) 0x01, // FIN_SFI1 record 1 5F24
        (byte) 0x1B, (byte) 0x03, (byte) 0x01, // FIN_SFI1 record 1 5F25
        (byte) 0x05, (byte) 0x1A, (byte) 0x02, // FIN_SFI1 record 2 5F20
    };

    /** Every record as installation creates it (tags, lengths, padding; SSC-FILE-5), file by file. */
    static final byte[] RECORD_IMAGES = {(byte) 0x70, (byte) 0x1C, (byte) 0x5A, (byte) 0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x5F, (byte) 0x34, (byte) 0x01, (byte) 0xFF, (byte) 0x5F, (byte) 0x24, (byte) 0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x5F, (byte) 0x25, (byte) 0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x70, (byte) 0x1D, (byte) 0x5F, (byte) 0x20, (byte) 0x1A, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20};

    // ---- data objects (GET DATA): DATA_OBJECTS_* columns
    static final byte[] DATA_OBJECTS = {
        (byte) 0x9F, (byte) 0x17, (byte) 0x01, (byte) 0x01, // PIN_TRY_COUNTER
        (byte) 0x9F, (byte) 0x36, (byte) 0x02, (byte) 0x02, // ATC
    };

    private PbocTables() {
    }

    /** Called once, at installation. */
    static Tables make() {
        Tables t = new Tables();
        t.commands = COMMANDS;
        t.commandValues = CMD_VALUES;
        t.keys = KEYS;
        t.dfs = DFS;
        t.profiles = PROFILES;
        t.profileAlgorithms = PROFILE_ALGORITHMS;
        t.challengeMinimum = CHALLENGE_MINIMUM;
        t.accessVariants = ACCESS_VARIANTS;
        t.files = FILES;
        t.fileAccess = FILE_ACCESS;
        t.records = RECORDS;
        t.recordAccess = RECORD_ACCESS;
        t.items = ITEMS;
        t.recordImages = RECORD_IMAGES;
        t.cardUniqueRecordOffset = CARD_UNIQUE_OFFSET;
        t.dataObjects = DATA_OBJECTS;
        t.otherApplications = OTHER_APPLICATIONS;
        t.lifecycleCodes = LIFECYCLE_CODES;
        t.fciProprietary = FCI_PROPRIETARY;
        t.pinFormat = PIN_FORMAT;
        t.installVersion = INSTALL_VERSION;
        t.installLength = INSTALL_LENGTH;
        t.installPersoKeyOffset = INSTALL_OFF_PERSO_KEY;
        t.installCardUniqueOffset = -1;
        t.installAlgorithmOffset = -1;
        return t;
    }
}
