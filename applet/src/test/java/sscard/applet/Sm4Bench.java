package sscard.applet;

import java.util.Arrays;
import javacard.security.DESKey;
import javacard.security.KeyBuilder;
import javacardx.crypto.Cipher;
import sscard.common.Sm4;

/**
 * In-JVM timings of the card's SM4 against the 3DES the Java Card API gives (jCardSim's, which runs on the
 * JVM's own crypto): one block, an SM4 key schedule, and one MAC'd command processed by the SSSE applet
 * (APPLICATION BLOCK / UNBLOCK under the maintenance key) on a 3DES card and on an SM4 card. Run by
 * benchmarks/sm4_card.py; prints {@code name=nanoseconds} lines, medians.
 *
 * <p>Not a test: the numbers say what the simulator costs on this machine, not what a chip does (a chip's
 * 3DES is a coprocessor, and Java Card bytecode is interpreted there).
 */
public final class Sm4Bench {

    private Sm4Bench() {
    }

    private interface Step {
        void run();
    }

    private static long median(int warmup, int count, Step step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        long[] samples = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            step.run();
            samples[i] = System.nanoTime() - start;
        }
        Arrays.sort(samples);
        return samples[count / 2];
    }

    /** The median time of one MAC'd command on the SSSE of a fresh card (challenge and MAC not counted). */
    private static long macdCommand(boolean sm4, int count) {
        TestCard card = new TestCard(false, sm4);
        card.personaliseSsse(sm4 ? 0x30 : 0x20);
        card.expect("9000", card.mac("84440000", TestCard.MAINT));
        int n = sm4 ? 16 : 8;
        long[] samples = new long[count];
        for (int i = 0; i < 200 + count; i++) {
            String header = i % 2 == 0 ? "841E0000" : "84180000"; // APPLICATION BLOCK, then UNBLOCK
            byte[] apdu = card.macCommand(header, new byte[0], TestCard.MAINT, n);
            long start = System.nanoTime();
            byte[] response = card.transmit(apdu);
            long elapsed = System.nanoTime() - start;
            if (response[response.length - 2] != (byte) 0x90 || response[response.length - 1] != 0) {
                throw new IllegalStateException("MAC'd command answered " + TestCard.hex(response));
            }
            if (i >= 200) {
                samples[i - 200] = elapsed;
            }
        }
        Arrays.sort(samples);
        return samples[count / 2];
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        byte[] key = TestCard.hex("0123456789ABCDEFFEDCBA9876543210");
        byte[] block = key.clone();

        Sm4 sm4 = new Sm4((short) 1);
        sm4.setKey((short) 0, key, (short) 0);
        System.out.println("sm4_block=" + median(20000, count,
                () -> sm4.encrypt((short) 0, block, (short) 0, block, (short) 0)));
        System.out.println("sm4_key_schedule=" + median(5000, count / 4,
                () -> sm4.setKey((short) 0, key, (short) 0)));

        // 3DES as SecureMessaging runs it: init with the key, then one 8-byte block
        DESKey des = (DESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_DES, KeyBuilder.LENGTH_DES3_2KEY, false);
        des.setKey(key, (short) 0);
        Cipher ecb = Cipher.getInstance(Cipher.ALG_DES_ECB_NOPAD, false);
        byte[] out = new byte[8];
        System.out.println("tdes_block=" + median(20000, count, () -> {
            ecb.init(des, Cipher.MODE_ENCRYPT);
            ecb.doFinal(block, (short) 0, (short) 8, out, (short) 0);
        }));

        int commands = Math.max(200, count / 10);
        System.out.println("tdes_macd_command=" + macdCommand(false, commands));
        System.out.println("sm4_macd_command=" + macdCommand(true, commands));
    }
}
