package sscard.ssse;

import sscard.common.EngineApplet;

/**
 * The social security application (SSSE), AID {@code 7378312E73682EC9E7BBE1B1A3D5CF}.
 *
 * <p>The applet hands its generated tables ({@link SsseTables}) into the shared engine of the
 * library package ({@link sscard.common.Engine}: check order, secure messaging, PIN, keys, record files,
 * lifecycle) and answers the card's financial application across the firewall
 * ({@link sscard.common.CardTermination}, CARD BLOCK). Everything is allocated at installation.
 */
public final class SocialSecurityApplet extends EngineApplet {

    private SocialSecurityApplet(byte[] bArray, short bOffset, byte bLength) {
        super(SsseTables.make(), bArray, bOffset, bLength);
    }

    /**
     * Called by the Java Card RE with the GlobalPlatform install parameters: instance AID, and as
     * applet data {@code 01 || KPERSO (16) || card-unique bytes (8)} (protocol.toml [install.SSSE]).
     * Registers with the instance AID, or with the one the RE assigns when the parameters carry none.
     */
    public static void install(byte[] bArray, short bOffset, byte bLength) {
        SocialSecurityApplet applet = new SocialSecurityApplet(bArray, bOffset, bLength);
        applet.registerFrom(bArray, bOffset, bLength);
    }
}
