package sscard.common;

import javacard.framework.Shareable;

/**
 * What one application of the card asks of another across the Java Card firewall: CARD BLOCK
 * (SSC-LC-7) ends every application of the card, and the applications live in different packages.
 *
 * <p>An applet hands this interface out from {@code getShareableInterfaceObject} only to the card's
 * other applications (by client AID) and only for {@link #PARAMETER}. The caller looks the other
 * applet up with {@code JCSystem.lookupAID} and {@code JCSystem.getAppletShareableInterfaceObject}.
 */
public interface CardTermination extends Shareable {

    /** The {@code getAppletShareableInterfaceObject} parameter that asks for this interface. */
    byte PARAMETER = (byte) 0x16;

    /**
     * Moves the called application to TERMINATED, irreversibly, whatever its state. Joins the
     * caller's transaction when one is open (the caller ends its own application in the same one),
     * else runs in its own.
     */
    void terminate();
}
