package sscard.jcsubset;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * One probe per rejection Oracle's converter made on this project, compiled from Java source as
 * the build compiles the applets ({@code javac --release 8}): the subset check must reject each
 * one too. Where the SDK is present (JC_HOME, or the team's copy beside the checkout) the same
 * probe also goes through the real converter, which must refuse it as well, so that the check and
 * the converter are seen to agree rather than assumed to.
 */
public class ConverterRulesTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** The SDK, or null (then the API probes and the converter cross-checks are skipped). */
    private static Path sdk;

    @BeforeClass
    public static void findSdk() {
        sdk = JcSdk.locate(JcSdk.repoRoot());
        if (sdk == null) {
            System.out.println("ConverterRulesTest: no Java Card SDK (JC_HOME unset, no "
                    + JcSdk.SHARED_KIT + "): API probes and converter cross-checks skipped");
        }
    }

    /** Compiles {@code package probe; <source>} and returns the class directory. */
    private Path compile(String release, String source) throws IOException {
        Path src = tmp.newFolder().toPath();
        Path out = tmp.newFolder().toPath();
        String name = source.replaceAll("(?s).*?(class|interface) (\\w+).*", "$2");
        Path file = src.resolve(name + ".java");
        Files.writeString(file, "package probe;\n" + source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("--release", release, "-g", "-nowarn", "-d", out.toString()));
        if (sdk != null) {
            args.addAll(List.of("-cp", sdk.resolve("lib/api_classic-3.0.5.jar").toString()));
        }
        args.add(file.toString());
        assertEquals("javac failed", 0, javac.run(null, null, null, args.toArray(new String[0])));
        return out;
    }

    private static List<String> check(Path classes, ApiExports api) throws IOException {
        return new JavaCardSubset(List.of("probe"), List.of(), api).check(classes).violations();
    }

    private static List<String> checkLibrary(Path classes) throws IOException {
        return new JavaCardSubset(List.of("probe"), List.of("probe"), null).check(classes).violations();
    }

    private static final String APPLET = "class A extends javacard.framework.Applet {\n"
            + "  public static void install(byte[] b, short o, byte l) { new A().register(); }\n"
            + "  public void process(javacard.framework.APDU apdu) { } }\n";
    private static final String[] WITH_APPLET = {"-applet", "0xF0:0x53:0x53:0x43:0x50:0x01:0x01", "probe.A"};

    /** The converter's output for package {@code probe}, or null without an SDK. */
    private String convert(Path classes, String target, String... appletOptions) throws Exception {
        if (sdk == null) {
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Stream.of("tools.jar", "jctasks_tools.jar", "json.jar", "commons-cli-1.9.0.jar")
                        .map(j -> sdk.resolve("lib").resolve(j).toString()).collect(Collectors.joining(":")),
                "com.sun.javacard.converter.Main", "-nobanner", "-classdir", classes.toString(),
                "-d", tmp.newFolder().toString(), "-out", "CAP", "-target", target));
        cmd.addAll(List.of(appletOptions));
        cmd.addAll(List.of("probe", "0xF0:0x53:0x53:0x43:0x50:0x01", "1.0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("converter timed out", p.waitFor(120, TimeUnit.SECONDS));
        return output;
    }

    /** The converter refused the probe (when it could run) with {@code expected} in its output. */
    private static void assertConverterRefuses(String output, String expected) {
        if (output == null) {
            return;
        }
        assertTrue(output, output.contains(expected));
        assertTrue(output, !output.contains("conversion completed with 0 errors and 0 warnings"));
    }

    private static void assertConverterAccepts(String output) {
        if (output != null) {
            assertTrue(output, output.contains("conversion completed with 0 errors and 0 warnings"));
        }
    }

    private static void assertFinding(List<String> findings, String member, String text) {
        assertTrue("expected <" + member + ": ..." + text + "...> in " + findings,
                findings.stream().anyMatch(f -> f.startsWith(member + ": ") && f.contains(text)));
    }

    @Test
    public void arrayInAnInterfaceIsRejected() throws Exception {
        Path classes = compile("8", "public interface Constants { byte A = 1; byte[] AID = {1, 2, 3, 4, 5}; }");
        List<String> findings = check(classes, null);
        assertFinding(findings, "probe/Constants.AID", "interface field of type byte[] that is not a primitive"
                + " compile-time constant");
        assertEquals(findings.toString(), 1, findings.size());
        assertConverterRefuses(convert(classes, "3.0.5"), "unsupported interface field probe.Constants.AID");
    }

    @Test
    public void arraysGoInAClassOfAnAppletPackage() throws Exception {
        // the generator's way: primitive constants in the interface, the array in a class of an
        // applet package (a library package may not initialize static arrays at all)
        assumeTrue("the probe applet compiles against the SDK's API", sdk != null);
        Path fixed = compile("8", "public interface Constants { byte A = 1; }\n"
                + "final class Tables implements Constants { static final byte[] AID = {1, 2, 3, 4, 5}; }\n" + APPLET);
        assertEquals(List.of(), check(fixed, null));
        assertConverterAccepts(convert(fixed, "3.0.5", WITH_APPLET));
        assertFinding(checkLibrary(fixed), "probe/Tables.<clinit>()V", "static array initialization in a library package");
        assertConverterRefuses(convert(fixed, "3.0.5"), "Static array initialization in class probe/Tables in library"
                + " package not allowed");
    }

    @Test
    public void intIntermediateInAComparisonIsRejected() throws Exception {
        Path classes = compile("8", "public class Mul { static boolean big(short a, short b) { return a * b > 100; } }");
        assertFinding(check(classes, null), "probe/Mul.big(SS)Z", "int intermediate value in a comparison");
        assertConverterRefuses(convert(classes, "3.0.5"), "unsupported int type of intermediate value");

        Path cast = compile("8", "public class Mul { static boolean big(short a, short b) { return (short) (a * b) > 100; } }");
        assertEquals(List.of(), check(cast, null));
        assertConverterAccepts(convert(cast, "3.0.5"));
    }

    @Test
    public void intIntermediatesTheConverterRefusesAreRejected() throws Exception {
        // each one refused by the 3.2.0 converter (its first finding per package ends the run)
        String[][] probes = {
            {"byte f(short a, byte[] x) { return x[a + 1]; }", "as an array index", "unsupported int type array index"},
            {"byte[] f(short a) { return new byte[a + 1]; }", "as an array length", "unsupported int type array index"},
            {"boolean f(short a, short b) { return a / b > 0; }", "in a comparison", "intermediate value"},
            {"short f(short a) { return (short) (a * 2 / 2); }", "divided", "intermediate value"},
            {"short f(short a, short b) { return (short) (a * b % 7); }", "divided", "intermediate value"},
            {"short f(short a, short b) { return (short) ((a + b) >> 1); }", "shifted right", "intermediate value"},
            {"short f(short a, short b) { return (short) ((a + b) >>> 1); }", "shifted right", "intermediate value"},
            {"boolean f(short a) { return a >>> 1 > 0; }", "in a comparison", "intermediate value"},
            {"boolean f(short a) { return -a > 0; }", "in a comparison", "intermediate value"},
            {"boolean f(short a, short b) { return (0xFF & a * b) > 0; }", "in a comparison", "intermediate value"},
            {"boolean f(short a, short b) { return ((a & 0xFF) | b << 8) != 0; }", "in a comparison", "intermediate value"},
            {"short f(short a, short b) { switch (a + b) { case 1: return 1; default: return 0; } }", "as a switch key",
                "intermediate value"},
        };
        for (String[] probe : probes) {
            Path classes = compile("8", "public class P { static " + probe[0] + " }");
            List<String> findings = check(classes, null);
            assertTrue(probe[0] + ": " + findings, findings.stream().anyMatch(f -> f.contains(probe[1])));
            assertConverterRefuses(convert(classes, "3.0.5"), probe[2]);
        }
        // and what it takes: casts back to short, irem and >> of shorts, masks with a constant on top
        Path ok = compile("8", "public class P {\n"
                + "  static byte a(short a, byte[] x) { return x[(short) (a + 1)]; }\n"
                + "  static boolean b(short a, short b) { return a % b > 0 && (a >> 3) > 0 && (a & b) == 0; }\n"
                + "  static boolean c(short a, short b) { return ((a * b) & 0xFF) > 0 && (short) (a / b) > 0; }\n"
                + "  static short d(short a, short b) { return (short) ((short) (a + b) >>> 1); }\n"
                + "  static boolean e(byte[] x) { return x.length > 3 && (short) (x.length + 1) > 4; }\n"
                + "}");
        assertEquals(List.of(), check(ok, null));
        assertConverterAccepts(convert(ok, "3.0.5"));
    }

    @Test
    public void apiMembersAbsentFromTheTargetAreRejected() throws Exception {
        assumeTrue("needs the SDK's export files", sdk != null);
        Path classes = compile("8", "import javacard.security.RandomData;\n"
                + "public class Rng { static void fill(byte[] x) {\n"
                + "  RandomData.OneShot r = RandomData.OneShot.open(RandomData.ALG_TRNG);\n"
                + "  r.nextBytes(x, (short) 0, (short) 8); r.close(); } }");
        ApiExports v304 = ApiExports.fromSdk(sdk, "3.0.4");
        ApiExports v305 = ApiExports.fromSdk(sdk, "3.0.5");
        assertTrue(v304.classCount() > 50 && v304.hasMethod("javacard/framework/APDU", "getBuffer", "()[B"));
        List<String> findings = check(classes, v304);
        assertFinding(findings, "probe/Rng.fill([B)V",
                "uses javacard.security.RandomData$OneShot, which the Java Card 3.0.4 API does not have");
        // 3.2.0's converter fails on it with an internal error (NullPointerException), no finding named
        assertConverterRefuses(convert(classes, "3.0.4"), "SEVERE");
        assertEquals(List.of(), check(classes, v305));
        assertConverterAccepts(convert(classes, "3.0.5"));

        // a member missing from a class the target has: APDU.getCurrentAPDU exists, this one not
        assertTrue(!v304.hasMethod("javacard/framework/APDU", "getNoSuchThing", "()S"));
        assertTrue(v304.hasMethod("javacardx/crypto/Cipher", "equals", "(Ljava/lang/Object;)Z"));
        assertTrue(v304.hasMethod("javacard/security/DESKey", "clearKey", "()V")); // inherited from Key
    }

    @Test
    public void appletAidsTheConverterRefusesAreRejected() throws Exception {
        byte[] pkg = AidRules.parseHex("F053534350" + "01");
        byte[] otherRid = AidRules.parseHex("F053534351" + "0101");
        List<String> rid = AidRules.check("probe", pkg, "probe.A", otherRid);
        assertEquals(rid.toString(), 1, rid.size());
        assertTrue(rid.get(0), rid.get(0).contains("its RID F053534351 differs from the RID F053534350"));
        List<String> same = AidRules.check("probe", pkg, "probe.A", pkg);
        assertEquals(same.toString(), 1, same.size());
        assertTrue(same.get(0), same.get(0).contains("equals the AID of its package"));
        assertEquals(List.of(), AidRules.check("probe", pkg, "probe.A", AidRules.parseHex("F0535343500101")));
        assertTrue(AidRules.check("probe", AidRules.parseHex("F05353"), null, null).get(0).contains("5 to 16 bytes"));

        if (sdk != null) {
            Path classes = compile("8", "import javacard.framework.*;\npublic class A extends Applet {\n"
                    + "  public static void install(byte[] b, short o, byte l) { new A().register(); }\n"
                    + "  public void process(APDU apdu) { } }");
            assertConverterRefuses(convert(classes, "3.0.5", "-applet", "0xF0:0x53:0x53:0x43:0x51:0x01:0x01", "probe.A"),
                    "Applet RIDs must be equal to their package RID");
            assertConverterRefuses(convert(classes, "3.0.5", "-applet", "0xF0:0x53:0x53:0x43:0x50:0x01", "probe.A"),
                    "Applet AID may not coincide with package AID");
            assertConverterAccepts(convert(classes, "3.0.5", "-applet", "0xF0:0x53:0x53:0x43:0x50:0x01:0x01", "probe.A"));
        }
    }

    @Test
    public void classFileVersionsTheConverterCannotTakeAreRejected() throws Exception {
        String source = "public class V { static short f(short a) { return (short) (a + 1); } }";
        assertEquals(List.of(), check(compile("8", source), null));
        Path v11 = compile("11", source);
        assertFinding(check(v11, null), "probe/V", "class file version 55 (Java 11)");
        assertConverterRefuses(convert(v11, "3.0.5"), "unsupported class file format of version 55.0");
        // 53 and 54 the 3.2.0 converter takes, but the SDK documents 52: refused all the same
        assertFinding(check(compile("9", source), null), "probe/V", "class file version 53 (Java 9)");
    }
}
