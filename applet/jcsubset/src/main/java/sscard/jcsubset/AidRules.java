package sscard.jcsubset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The converter's rules for the AIDs it is given: package and applet AIDs of 5 to 16 bytes, an
 * applet AID that starts with its package's RID (the first 5 bytes) and is not the package AID
 * itself. The converter refuses a package that breaks them; checking here names the rule before
 * the SDK is even needed.
 */
public final class AidRules {

    /** RID length (ISO/IEC 7816-5), and the shortest and longest AID. */
    public static final int RID_LENGTH = 5;
    public static final int MAX_LENGTH = 16;

    private AidRules() {
    }

    /** Findings for one package AID, and for each applet AID of that package (class, AID pairs). */
    public static List<String> check(String javaPackage, byte[] packageAid, String appletClass, byte[] appletAid) {
        List<String> found = new ArrayList<>();
        String pkg = javaPackage + " (package AID " + hex(packageAid) + ")";
        if (packageAid.length < RID_LENGTH || packageAid.length > MAX_LENGTH) {
            found.add(pkg + ": a package AID has 5 to 16 bytes, not " + packageAid.length);
        }
        if (appletClass == null) {
            return found;
        }
        String applet = appletClass + " (applet AID " + hex(appletAid) + ")";
        if (appletAid.length < RID_LENGTH || appletAid.length > MAX_LENGTH) {
            found.add(applet + ": an applet AID has 5 to 16 bytes, not " + appletAid.length);
        } else if (packageAid.length >= RID_LENGTH && !Arrays.equals(appletAid, 0, RID_LENGTH, packageAid, 0, RID_LENGTH)) {
            found.add(applet + ": its RID " + hex(Arrays.copyOf(appletAid, RID_LENGTH))
                    + " differs from the RID " + hex(Arrays.copyOf(packageAid, RID_LENGTH))
                    + " of its package " + pkg + "; the converter requires them equal");
        }
        if (Arrays.equals(appletAid, packageAid)) {
            found.add(applet + ": equals the AID of its package " + pkg + "; the converter requires them different");
        }
        if (!appletClass.startsWith(javaPackage + ".") || appletClass.indexOf('.', javaPackage.length() + 1) >= 0) {
            found.add(applet + ": not a class of package " + javaPackage);
        }
        return found;
    }

    /** Upper-case hex of {@code bytes}. */
    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    /** Bytes of a hex string ({@code 7378312E73}, colons and {@code 0x} allowed). */
    public static byte[] parseHex(String text) {
        String h = text.replace("0x", "").replace("0X", "").replace(":", "");
        if (h.isEmpty() || h.length() % 2 != 0 || !h.matches("[0-9A-Fa-f]+")) {
            throw new IllegalArgumentException("not a hex AID: " + text);
        }
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
