package sscard.sim.probe;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * A test applet that is not one of ours: it registers the classic way, with the AID from
 * GlobalPlatform install parameters, and exposes its install data and its RAM/EEPROM counters.
 */
public class ProbeApplet extends Applet {

    public static final byte INS_INSTALL_DATA = 0x01;
    /** Increments a CLEAR_ON_RESET counter and a persistent one; answers both. */
    public static final byte INS_COUNT = 0x10;

    private final byte[] installData;
    private final byte[] ram;
    private byte persistentCount;

    private ProbeApplet(byte[] bArray, short bOffset) {
        short offset = bOffset;
        offset += (short) (1 + bArray[offset]);   // Li, instance AID
        offset += (short) (1 + bArray[offset]);   // Lc, system parameters
        short la = (short) (bArray[offset] & 0xFF);
        installData = new byte[la];
        Util.arrayCopyNonAtomic(bArray, (short) (offset + 1), installData, (short) 0, la);
        ram = JCSystem.makeTransientByteArray((short) 1, JCSystem.CLEAR_ON_RESET);
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new ProbeApplet(bArray, bOffset).register(bArray, (short) (bOffset + 1), bArray[bOffset]);
    }

    @Override
    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buffer = apdu.getBuffer();
        switch (buffer[ISO7816.OFFSET_INS]) {
            case INS_INSTALL_DATA:
                Util.arrayCopyNonAtomic(installData, (short) 0, buffer, (short) 0, (short) installData.length);
                apdu.setOutgoingAndSend((short) 0, (short) installData.length);
                return;
            case INS_COUNT:
                ram[0]++;
                persistentCount++;
                buffer[0] = ram[0];
                buffer[1] = persistentCount;
                apdu.setOutgoingAndSend((short) 0, (short) 2);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}
