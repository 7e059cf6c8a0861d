package sscard.applet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/**
 * The install footprint `make cap` reports, and the rule behind it: everything is allocated at
 * installation, so a whole session (personalisation, PIN, authentication, reads and writes) leaves
 * each application's object graph exactly as installation made it.
 */
public class InstallFootprintTest {

    @Test
    public void aSessionAllocatesNothingAfterInstallation() throws Exception {
        TestCard card = new TestCard();
        InstallFootprint.Usage ssse = InstallFootprint.measure(card.sim, TestCard.SSSE_AID);
        InstallFootprint.Usage pboc = InstallFootprint.measure(card.sim, TestCard.PBOC_AID);
        assertTrue(ssse.toString(), ssse.persistentBytes > 0 && ssse.transientResetBytes > 0 && ssse.keys > 0);

        card.personaliseSsse(0x20);
        card.expect("9000", card.mac("84440000", TestCard.MAINT));
        card.personalisePboc();
        card.expect("9000", card.mac("84440000", TestCard.BANK_MAC));
        card.reset();
        card.selectSsse();
        card.expect("9000", "0020000003123456");
        card.sw("00B2010C00");
        card.sw("0084000008");
        card.selectPboc();
        card.sw("00B2010C00");
        card.sw("80CA9F3600");

        assertEquals(ssse, InstallFootprint.measure(card.sim, TestCard.SSSE_AID));
        assertEquals(pboc, InstallFootprint.measure(card.sim, TestCard.PBOC_AID));
        // and what `make cap` prints is the same installation
        assertEquals(ssse, InstallFootprint.measure(InstallFootprint.installBoth(false), InstallFootprint.SSSE_AID));
    }

    /** The same on an SM4 card (SSC-KEY-5): its key slots and round keys are all made at installation. */
    @Test
    public void anSm4SessionAllocatesNothingAfterInstallation() throws Exception {
        TestCard card = new TestCard(false, true);
        InstallFootprint.Usage ssse = InstallFootprint.measure(card.sim, TestCard.SSSE_AID);
        card.personaliseSsse(0x30);
        card.expect("9000", card.mac("84440000", TestCard.MAINT));
        card.expect("9000", card.externalAuthenticate(2, TestCard.RK, true));
        card.expect("9000", "00B2072C00");
        card.reset();
        card.selectSsse();
        card.expect("9000", "0020000003123456");
        card.sw("0084000010");
        assertEquals(ssse, InstallFootprint.measure(card.sim, TestCard.SSSE_AID));
        assertEquals(ssse, InstallFootprint.measure(InstallFootprint.installBoth(true), InstallFootprint.SSSE_AID));
    }
}
