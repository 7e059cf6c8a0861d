// generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit
package sscard.ssse;

import sscard.common.Tables;

/** The SSSE tables of SsseConstants, as the shared engine reads them. */
final class SsseTables implements SsseConstants {

    private SsseTables() {
    }

    /** Called once, at installation. */
    static Tables make() {
        Tables t = new Tables();
        t.commands = COMMANDS;
        t.commandValues = CMD_VALUES;
        t.keys = KEYS;
        t.dfs = DFS;
        t.profiles = PROFILES;
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
        t.installCardUniqueOffset = INSTALL_OFF_CARD_UNIQUE;
        return t;
    }
}
