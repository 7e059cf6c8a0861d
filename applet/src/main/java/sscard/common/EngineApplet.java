package sscard.common;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.Shareable;

/**
 * What both applications' applets do the same way: hand every APDU to their {@link Engine}, end the
 * session on select and deselect, and answer the card's other application across the firewall
 * ({@link CardTermination}, CARD BLOCK). A subclass only wires its generated tables into the engine
 * and registers.
 */
public abstract class EngineApplet extends Applet implements CardTermination {

    protected final Engine engine;

    protected EngineApplet(Tables tables, byte[] bArray, short bOffset, byte bLength) {
        engine = new Engine(tables, bArray, bOffset, bLength);
    }

    /** Registers with the instance AID of the install parameters, or the one the RE assigns. */
    protected final void registerFrom(byte[] bArray, short bOffset, byte bLength) {
        byte aidLength = InstallParams.instanceAidLength(bArray, bOffset, bLength);
        if (aidLength == 0) {
            register();
        } else {
            register(bArray, (short) (bOffset + 1), aidLength);
        }
    }

    public boolean select() {
        engine.endSession();
        return true; // a terminated application is selected and answers 6A81 (SSC-LC-2)
    }

    public void deselect() {
        engine.endSession();
    }

    public void process(APDU apdu) {
        engine.process(apdu, selectingApplet());
    }

    public Shareable getShareableInterfaceObject(AID clientAID, byte parameter) {
        return engine.grants(clientAID, parameter) ? this : null;
    }

    /** CARD BLOCK sent to the card's other application (SSC-LC-7). */
    public void terminate() {
        engine.terminate();
    }
}
