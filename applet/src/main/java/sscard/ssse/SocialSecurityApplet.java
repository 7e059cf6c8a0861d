package sscard.ssse;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import sscard.common.Cla;
import sscard.common.InstallParams;

/**
 * The social security application (SSSE), AID {@code 7378312E73682EC9E7BBE1B1A3D5CF}.
 *
 * <p>Placeholder: it can be installed and selected; every other command answers {@code 6D00}
 * ({@code 6E00} for a CLA sscard does not use, {@code 6A82} for a SELECT naming no applet).
 * {@link #process} is the command dispatcher the real commands will be added to. Everything the
 * applet needs is allocated in the constructor, at install time; nothing is allocated later.
 */
public final class SocialSecurityApplet extends Applet {

    private SocialSecurityApplet() {
    }

    /**
     * Called by the Java Card RE. Registers with the instance AID from the install parameters
     * (see {@link InstallParams}) or, when they carry none, with the AID the RE assigns.
     */
    public static void install(byte[] bArray, short bOffset, byte bLength) {
        SocialSecurityApplet applet = new SocialSecurityApplet();
        byte aidLength = InstallParams.instanceAidLength(bArray, bOffset, bLength);
        if (aidLength == 0) {
            applet.register();
        } else {
            applet.register(bArray, (short) (bOffset + 1), aidLength);
        }
    }

    /** The command dispatcher. */
    public void process(APDU apdu) {
        if (selectingApplet()) {
            return; // 9000
        }
        byte[] buffer = apdu.getBuffer();
        Cla.requireSupported(buffer[ISO7816.OFFSET_CLA]);
        switch (buffer[ISO7816.OFFSET_INS]) {
            case ISO7816.INS_SELECT:
                // A SELECT that did not select this applet: the RE forwards a SELECT naming no
                // installed applet to the selected one. No files yet, so nothing to find.
                ISOException.throwIt(ISO7816.SW_FILE_NOT_FOUND);
                break;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}
