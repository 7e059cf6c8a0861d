// generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit
package sscard.common;

/**
 * Constants both applications share: status words, classes, lifecycle codes.
 */
@SuppressWarnings("unused")
public interface CommonConstants {
    // ---- status words (status_words.toml); X nibbles carry a parameter: OR it in
    /** 9000 Normal processing */
    short SW_OK = (short) 0x9000;
    /** 61XX Response bytes still available (never returned by this card) */
    short SW_BYTES_REMAINING = (short) 0x6100;
    /** 6CXX Wrong Le field; XX gives the exact length */
    short SW_WRONG_LE = (short) 0x6C00;
    /** 63CX Verification failed, X tries left */
    short SW_VERIFY_FAILED = (short) 0x63C0;
    /** 6700 Wrong length (Lc, Le or a malformed APDU) */
    short SW_WRONG_LENGTH = (short) 0x6700;
    /** 6881 Logical channel not supported (Java Card runtime) */
    short SW_LOGICAL_CHANNEL_NOT_SUPPORTED = (short) 0x6881;
    /** 6981 Command incompatible with file structure (never returned by this card) */
    short SW_INCOMPATIBLE_FILE = (short) 0x6981;
    /** 6982 Security status not satisfied */
    short SW_SECURITY_NOT_SATISFIED = (short) 0x6982;
    /** 6983 Authentication method blocked (PIN or key tries exhausted) */
    short SW_AUTH_BLOCKED = (short) 0x6983;
    /** 6984 Reference data not usable: no challenge, or the challenge was already used */
    short SW_REF_DATA_NOT_USABLE = (short) 0x6984;
    /** 6985 Conditions of use not satisfied (command not allowed in this lifecycle state) */
    short SW_CONDITIONS_NOT_SATISFIED = (short) 0x6985;
    /** 6986 Command not allowed: no current EF, or no application selected */
    short SW_COMMAND_NOT_ALLOWED = (short) 0x6986;
    /** 6988 Secure messaging data object incorrect (wrong MAC) */
    short SW_SM_INCORRECT = (short) 0x6988;
    /** 6999 Applet selection failed (Java Card runtime) (never returned by this card) */
    short SW_SELECT_FAILED = (short) 0x6999;
    /** 6A80 Incorrect parameters in the data field */
    short SW_WRONG_DATA = (short) 0x6A80;
    /** 6A81 Function not supported: the application is terminated (card blocked) */
    short SW_FUNC_NOT_SUPPORTED = (short) 0x6A81;
    /** 6A82 File or application not found */
    short SW_FILE_NOT_FOUND = (short) 0x6A82;
    /** 6A83 Record not found */
    short SW_RECORD_NOT_FOUND = (short) 0x6A83;
    /** 6A86 Incorrect parameters P1-P2 */
    short SW_INCORRECT_P1P2 = (short) 0x6A86;
    /** 6A88 Referenced data not found (key or data object) */
    short SW_REF_DATA_NOT_FOUND = (short) 0x6A88;
    /** 6B00 Wrong parameters P1-P2 (never returned by this card) */
    short SW_WRONG_P1P2 = (short) 0x6B00;
    /** 6D00 Instruction code not supported */
    short SW_INS_NOT_SUPPORTED = (short) 0x6D00;
    /** 6E00 Class not supported */
    short SW_CLA_NOT_SUPPORTED = (short) 0x6E00;
    /** 6F00 No precise diagnosis (uncaught error) (never returned by this card) */
    short SW_UNCAUGHT_ERROR = (short) 0x6F00;
    /** 9302 MAC invalid (PBOC electronic purse) (never returned by this card) */
    short SW_MAC_INVALID_PBOC = (short) 0x9302;
    /** 9303 Application permanently blocked (PBOC electronic purse) (never returned by this card) */
    short SW_APP_PERMANENTLY_BLOCKED = (short) 0x9303;

    // ---- classes
    byte CLA_ISO = (byte) 0x00;
    byte CLA_ISO_SM = (byte) 0x04;
    byte CLA_PROPRIETARY = (byte) 0x80;
    byte CLA_PROPRIETARY_SM = (byte) 0x84;

    // ---- instructions with the same code in every application
    byte INS_CARD_BLOCK = (byte) 0x16;
    byte INS_APPLICATION_UNBLOCK = (byte) 0x18;
    byte INS_APPLICATION_BLOCK = (byte) 0x1E;
    byte INS_VERIFY = (byte) 0x20;
    byte INS_PIN_UNBLOCK = (byte) 0x24;
    byte INS_RESET_KEY_COUNTER = (byte) 0x2C;
    byte INS_RESET_MAINT_KEY_COUNTER = (byte) 0x2C;
    byte INS_ACTIVATE = (byte) 0x44;
    byte INS_CHANGE_PIN = (byte) 0x5E;
    byte INS_EXTERNAL_AUTHENTICATE = (byte) 0x82;
    byte INS_GET_CHALLENGE = (byte) 0x84;
    byte INS_INTERNAL_AUTHENTICATE = (byte) 0x88;
    byte INS_SELECT = (byte) 0xA4;
    byte INS_READ_RECORD = (byte) 0xB2;
    byte INS_GET_DATA = (byte) 0xCA;
    byte INS_SET_PIN = (byte) 0xD4;
    byte INS_PUT_KEY = (byte) 0xD8;
    byte INS_SET_ACCESS_PROFILE = (byte) 0xDA;
    byte INS_UPDATE_RECORD = (byte) 0xDC;
    byte INS_UPDATE_RECORD_SM = (byte) 0xDC;
    byte INS_END_PERSONALISATION = (byte) 0xDE;

    // ---- lifecycle states (ISO 7816-4 life cycle status byte, FCI tag 8A; lifecycle.toml)
    byte LC_PERSONALISATION = (byte) 0x03;
    byte LC_ISSUED = (byte) 0x04;
    byte LC_ACTIVE = (byte) 0x05;
    byte LC_BLOCKED = (byte) 0x06;
    byte LC_TERMINATED = (byte) 0x0C;

    // ---- key algorithms (crypto.toml install_code: the SSSE install parameter `algorithm`, SSC-KEY-5)
    byte ALGORITHM_3DES_16 = (byte) 0x00;
    byte ALGORITHM_SM4 = (byte) 0x01;

    // ---- access profiles (SET ACCESS PROFILE data)
    byte PROFILE_2_0 = (byte) 0x20;
    byte PROFILE_3_0 = (byte) 0x30;

    // ---- access condition bits (ACC_* constants of the application interfaces)
    byte COND_STATE = (byte) 0x01;
    byte COND_PIN = (byte) 0x02;
    byte COND_KEY = (byte) 0x04;
    byte COND_NEVER = (byte) 0x80;

    // ---- record item formats (record layout tables)
    byte FMT_CN = (byte) 0x01;
    byte FMT_AN = (byte) 0x02;
    byte FMT_B = (byte) 0x03;

    // ---- secure messaging (protocol.toml)
    byte MAC_LENGTH = (byte) 0x04;
    byte CHALLENGE_LENGTH_4 = (byte) 0x04;
    byte CHALLENGE_LENGTH_8 = (byte) 0x08;
    byte CHALLENGE_LENGTH_16 = (byte) 0x10;

    // ---- lifecycle states as bits: state masks of COMMANDS and KEYS, bit i = i-th state
    byte LC_BIT_PERSONALISATION = (byte) 0x01;
    byte LC_BIT_ISSUED = (byte) 0x02;
    byte LC_BIT_ACTIVE = (byte) 0x04;
    byte LC_BIT_BLOCKED = (byte) 0x08;
    byte LC_BIT_TERMINATED = (byte) 0x10;
    byte LC_BIT_INITIAL = (byte) 0x01;
    byte LC_BITS_ALL = (byte) 0x1F;

    // ---- states a `state` access condition (COND_STATE) requires
    byte COND_STATE_STATES = (byte) 0x04;

    // ---- PIN formats
    byte PIN_FORMAT_BCD = (byte) 0x01;
    byte PIN_FORMAT_ISO9564_2 = (byte) 0x02;

    // ---- command table (COMMANDS of the application interfaces): columns, flags, kinds
    byte CMD_CLA = (byte) 0;
    byte CMD_INS = (byte) 1;
    byte CMD_STATES = (byte) 2;
    byte CMD_FLAGS = (byte) 3;
    byte CMD_MAC_KEY = (byte) 4;
    byte CMD_ENC_KEY = (byte) 5;
    byte CMD_ACTION = (byte) 6;
    byte CMD_P1 = (byte) 7;
    byte CMD_P2 = (byte) 10;
    byte CMD_DATA = (byte) 13;
    byte CMD_LE = (byte) 16;
    byte CMD_ACCESS = (byte) 19;
    byte CMD_ACCESS_KEY = (byte) 20;
    byte CMD_NEXT_STATE = (byte) 21;
    byte CMD_DATA_SM4 = (byte) 22;
    byte CMD_LE_SM4 = (byte) 25;
    byte CMD_ENTRY_SIZE = (byte) 28;
    byte CMD_FLAG_SM = (byte) 0x01;
    byte CMD_FLAG_CHALLENGE = (byte) 0x02;
    byte CMD_FLAG_FILE_READ = (byte) 0x04;
    byte CMD_FLAG_FILE_UPDATE = (byte) 0x08;
    byte CMD_FLAG_CARD_SCOPE = (byte) 0x10;
    // P1, P2: kind, a, b. VALUES: a = offset in CMD_VALUES, b = count; RANGE: a..b; SFI_MODES: a = mask of
    // the b3-b1 modes (bit m), SFI 31 refused; P1P2 (in the P1 column): a = offset of b P1-P2 pairs
    byte PARAM_ANY = (byte) 0x00;
    byte PARAM_VALUES = (byte) 0x01;
    byte PARAM_RANGE = (byte) 0x02;
    byte PARAM_SFI_MODES = (byte) 0x03;
    byte PARAM_P1P2 = (byte) 0x04;
    // DATA: kind, a, b. VALUES: a = offset in CMD_VALUES, b = count; RANGE: a..b. DATA_SM4, LE_SM4: the same
    // on a card whose algorithm is SM4 (SSC-KEY-5)
    byte LEN_VALUES = (byte) 0x01;
    byte LEN_RANGE = (byte) 0x02;
    // LE: kind, a, b. NONE: Le ignored; COMPUTED: 00, absent or exact else 6CXX; VALUES: as DATA
    byte LE_NONE = (byte) 0x00;
    byte LE_COMPUTED = (byte) 0x01;
    byte LE_VALUES = (byte) 0x02;
    // actions (what the command does, step 9)
    byte ACT_CHANGE_PIN = (byte) 0x01;
    byte ACT_END_PERSONALISATION = (byte) 0x02;
    byte ACT_EXTERNAL_AUTHENTICATE = (byte) 0x03;
    byte ACT_GET_CHALLENGE = (byte) 0x04;
    byte ACT_GET_DATA = (byte) 0x05;
    byte ACT_INTERNAL_AUTHENTICATE = (byte) 0x06;
    byte ACT_PUT_KEY = (byte) 0x07;
    byte ACT_READ_RECORD = (byte) 0x08;
    byte ACT_RELOAD_PIN = (byte) 0x09;
    byte ACT_RESET_KEY_COUNTER = (byte) 0x0A;
    byte ACT_SELECT = (byte) 0x0B;
    byte ACT_SET_ACCESS_PROFILE = (byte) 0x0C;
    byte ACT_SET_PIN = (byte) 0x0D;
    byte ACT_TRANSITION = (byte) 0x0E;
    byte ACT_UNBLOCK_PIN = (byte) 0x0F;
    byte ACT_UPDATE_RECORD = (byte) 0x10;
    byte ACT_VERIFY = (byte) 0x11;

    // ---- key table (KEYS): columns, usage bits, flags
    byte KEYS_ID = (byte) 0;
    byte KEYS_USAGE = (byte) 1;
    byte KEYS_TRY_LIMIT = (byte) 2;
    byte KEYS_STATES = (byte) 3;
    byte KEYS_FLAGS = (byte) 4;
    byte KEYS_ENTRY_SIZE = (byte) 5;
    byte USAGE_EXTERNAL_AUTHENTICATE = (byte) 0x01;
    byte USAGE_INTERNAL_AUTHENTICATE = (byte) 0x02;
    byte USAGE_MAC = (byte) 0x04;
    byte USAGE_ENCIPHER = (byte) 0x08;
    byte KEYS_FLAG_REQUIRED = (byte) 0x01;
    byte KEYS_FLAG_INSTALL = (byte) 0x02;

    // ---- file system tables (FILES, FILE_ACCESS, RECORDS, RECORD_ACCESS, ITEMS)
    byte FILES_DF = (byte) 0;
    byte FILES_FLAGS = (byte) 1;
    byte FILES_FID = (byte) 2;
    byte FILES_SFI = (byte) 4;
    byte FILES_FIRST_RECORD = (byte) 5;
    byte FILES_RECORD_COUNT = (byte) 6;
    byte FILES_ENTRY_SIZE = (byte) 7;
    byte FILES_FLAG_FID = (byte) 0x01;
    byte FILE_ACCESS_READ = (byte) 0;
    byte FILE_ACCESS_READ_KEY = (byte) 1;
    byte FILE_ACCESS_UPDATE = (byte) 2;
    byte FILE_ACCESS_UPDATE_KEY = (byte) 3;
    byte FILE_ACCESS_ENTRY_SIZE = (byte) 4;
    byte RECORDS_NUMBER = (byte) 0;
    byte RECORDS_TAG = (byte) 1;
    byte RECORDS_FLAGS = (byte) 2;
    byte RECORDS_SIZE = (byte) 3;
    byte RECORDS_OFFSET = (byte) 4;
    byte RECORDS_FIRST_ITEM = (byte) 6;
    byte RECORDS_ITEM_COUNT = (byte) 7;
    byte RECORDS_ENTRY_SIZE = (byte) 8;
    byte RECORDS_FLAG_SIMPLE_TLV = (byte) 0x01;
    byte RECORD_ACCESS_READ = (byte) 0;
    byte RECORD_ACCESS_READ_KEY = (byte) 1;
    byte RECORD_ACCESS_ENTRY_SIZE = (byte) 2;
    byte ITEMS_OFFSET = (byte) 0;
    byte ITEMS_LENGTH = (byte) 1;
    byte ITEMS_FORMAT = (byte) 2;
    byte ITEMS_ENTRY_SIZE = (byte) 3;

    // ---- data objects (DATA_OBJECTS, GET DATA)
    byte DATA_OBJECTS_TAG = (byte) 0;
    byte DATA_OBJECTS_LENGTH = (byte) 2;
    byte DATA_OBJECTS_SOURCE = (byte) 3;
    byte DATA_OBJECTS_ENTRY_SIZE = (byte) 4;
    byte DO_SOURCE_PIN_TRIES_LEFT = (byte) 0x01;
    byte DO_SOURCE_ATC = (byte) 0x02;

    // package AID F05353434401: a converter and loader parameter, not card data
}
