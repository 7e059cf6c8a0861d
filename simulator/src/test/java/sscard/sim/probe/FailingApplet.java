package sscard.sim.probe;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;

/** A test applet whose install always fails, after touching the runtime (a transient array). */
public class FailingApplet extends Applet {

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        JCSystem.makeTransientByteArray((short) 8, JCSystem.CLEAR_ON_RESET);
        ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
    }

    @Override
    public void process(APDU apdu) {
        ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
    }
}
