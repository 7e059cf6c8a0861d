package sscard.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import sscard.sim.probe.ProbeApplet;

/** The vpcd protocol over in-memory streams: what comes back, and in how many writes. */
public class VpcdClientTest {

    /** Records every write call separately. */
    static final class RecordingStream extends OutputStream {
        final List<byte[]> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            writes.add(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(Arrays.copyOfRange(b, off, off + len));
        }
    }

    static byte[] frame(String payloadHex) {
        byte[] payload = CardHostTest.hex(payloadHex);
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) (payload.length >> 8);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    static byte[] script(String... payloadsHex) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String payload : payloadsHex) {
            out.write(frame(payload));
        }
        return out.toByteArray();
    }

    private static final String ATR = "3BFA1800008131FE454A434F5033315632333298";

    @Test
    public void controlCodesApdusAndOneWritePerReply() throws Exception {
        CardHost card = new CardHost();
        AppletSpec.DEFAULTS.forEach(a -> a.installOn(card));
        card.install(ProbeApplet.class.getName(), CardHostTest.PROBE);

        byte[] input = script(
                "04",                                   // get ATR
                "01",                                   // power on: no reply
                "00A404000F7378312E73682EC9E7BBE1B1A3D5CF", // SELECT SSSE
                "00B0850000",                           // 6D00
                "00A4040007F0000000010101",             // SELECT probe
                "8010000002",                           // counters 01 01
                "00",                                   // power off: no reply
                "01",                                   // power on: no reply
                "8010000002",                           // no applet selected after the cycle
                "00A4040007F0000000010101",
                "8010000002",                           // RAM counter back to 1, EEPROM 2
                "02",                                   // reset: no reply
                "8010000002",                           // 6986 again
                "",                                     // empty message: ignored
                "07",                                   // unknown control code: ignored
                "07",
                "04");
        RecordingStream out = new RecordingStream();
        int[] reads = {0};
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new VpcdClient(card, new ByteArrayInputStream(input), out, () -> reads[0]++,
                new PrintStream(log, true, StandardCharsets.UTF_8)).serve();

        List<String> replies = new ArrayList<>();
        for (byte[] write : out.writes) {
            int length = ((write[0] & 0xFF) << 8) | (write[1] & 0xFF);
            assertEquals("one write holds length and the whole payload", 2 + length, write.length);
            replies.add(CardHostTest.hex(Arrays.copyOfRange(write, 2, write.length)));
        }
        replies.set(1, CardHostTest.sw(replies.get(1))); // our applet's SELECT answers its FCI
        assertEquals(List.of(ATR, "9000", "6D00", "9000", "01019000", "6986", "9000", "01029000",
                "6986", ATR), replies);
        assertTrue("QUICKACK hook runs before reads", reads[0] >= 2 * 17);
        assertEquals("warning: ignoring unknown vpcd control code 7\n",
                log.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void endOfStreamInsideAMessageEndsServing() throws Exception {
        CardHost card = new CardHost();
        byte[] truncated = Arrays.copyOf(script("00A4040005F000000001"), 6);
        RecordingStream out = new RecordingStream();
        new VpcdClient(card, new ByteArrayInputStream(truncated), out, () -> { },
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).serve();
        assertEquals(0, out.writes.size());
    }
}
