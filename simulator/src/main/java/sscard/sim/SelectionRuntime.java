package sscard.sim;

import com.licel.jcardsim.base.ApduCase;
import com.licel.jcardsim.base.SimulatorRuntime;
import javacard.framework.AID;
import javacard.framework.ISO7816;

/**
 * jCardSim's runtime with the Java Card RE's choice of the applet a SELECT selects.
 *
 * <p>jCardSim takes {@code CLA 00-03, A4 04, P2 %b000xxx00} as an applet SELECT: without data it
 * selects the first installed applet, and it matches an AID prefix (partial AID). Either way the
 * current applet is deselected and its session lost. Here an applet is selected only by
 * {@code 00 A4 04 00} with data equal to its full AID; every other SELECT finds no applet, so jCardSim
 * forwards it to the current applet (which stays selected), or, with none, answers 6999 (which
 * {@link CardHost} turns into the card's answer). Logical channels are {@link CardHost}'s.
 */
final class SelectionRuntime extends SimulatorRuntime {

    /** Whether an applet is selected (on the basic channel, the only one the card opens). */
    boolean anySelected() {
        return getAID() != null;
    }

    /** The selected applet object, or null: for the faults that change an applet's state. */
    Object selectedApplet() {
        AID current = getAID();
        return current == null ? null : getApplet(current);
    }

    /** The installed applet whose AID is the data of an application SELECT, or null. */
    AID appletNamedBy(byte[] apdu) {
        if (apdu.length <= ISO7816.OFFSET_CDATA || !CardHost.isApplicationSelect(apdu)) {
            return null; // no data: names no applet
        }
        int lc = apdu[ISO7816.OFFSET_LC] & 0xFF;
        if (lc < 5 || lc > 16) {
            return null; // no AID has this length (Lc 00: an extended length, refused before)
        }
        for (AID aid : applets.keySet()) {
            if (aid.equals(apdu, ISO7816.OFFSET_CDATA, (byte) lc)) {
                return aid;
            }
        }
        return null;
    }

    @Override
    protected AID findAppletForSelectApdu(byte[] selectApdu, ApduCase apduCase) {
        return appletNamedBy(selectApdu);
    }
}
