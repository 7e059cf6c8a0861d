package sscard.pboc;

import sscard.common.EngineApplet;
import sscard.common.Tables;

/**
 * The financial application (PBOC debit), AID {@code A000000333010101}.
 *
 * <p>The applet wires its generated tables ({@link PbocConstants}) into the shared engine of the
 * library package ({@link sscard.common.Engine}: check order, secure messaging, PIN, keys, record files,
 * lifecycle) and answers the card's social security application across the firewall
 * ({@link sscard.common.CardTermination}, CARD BLOCK). Everything is allocated at installation.
 */
public final class FinanceApplet extends EngineApplet implements PbocConstants {

    private FinanceApplet(byte[] bArray, short bOffset, byte bLength) {
        super(tables(), bArray, bOffset, bLength);
    }

    private static Tables tables() {
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
        t.installCardUniqueOffset = -1;
        return t;
    }

    /**
     * Called by the Java Card RE with the GlobalPlatform install parameters: instance AID, and as
     * applet data {@code 01 || KPERSO_FIN (16)} (protocol.toml [install.PBOC]).
     * Registers with the instance AID, or with the one the RE assigns when the parameters carry none.
     */
    public static void install(byte[] bArray, short bOffset, byte bLength) {
        FinanceApplet applet = new FinanceApplet(bArray, bOffset, bLength);
        applet.registerFrom(bArray, bOffset, bLength);
    }
}
