package sscard.pboc;

import sscard.common.EngineApplet;

/**
 * The financial application (PBOC debit), AID {@code A000000333010101}.
 *
 * <p>The applet hands its generated tables ({@link PbocTables}) into the shared engine of the
 * library package ({@link sscard.common.Engine}: check order, secure messaging, PIN, keys, record files,
 * lifecycle) and answers the card's social security application across the firewall
 * ({@link sscard.common.CardTermination}, CARD BLOCK). Everything is allocated at installation.
 */
public final class FinanceApplet extends EngineApplet {

    private FinanceApplet(byte[] bArray, short bOffset, byte bLength) {
        super(PbocTables.make(), bArray, bOffset, bLength);
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
