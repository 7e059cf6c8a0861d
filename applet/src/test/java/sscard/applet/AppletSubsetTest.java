package sscard.applet;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.Test;
import sscard.jcsubset.ApiExports;
import sscard.jcsubset.JavaCardSubset;
import sscard.jcsubset.JcSdk;

/**
 * Runs the Java Card subset check over this module's compiled applet classes; this is what makes
 * {@code mvn package} fail, naming class and member, when an applet steps outside the subset. With
 * an SDK at hand (JC_HOME, or the team's copy beside the checkout) it also checks every API class
 * and member used against the export files of both targets, 3.0.4 and 3.0.5.
 */
public class AppletSubsetTest {

    private static Path classes() {
        Path classes = Paths.get(System.getProperty("sscard.applet.classes", "target/classes"));
        assertTrue("no compiled classes at " + classes.toAbsolutePath(), Files.isDirectory(classes));
        return classes;
    }

    private static void check(ApiExports api) throws Exception {
        Path classes = classes();
        JavaCardSubset.Report report = new JavaCardSubset(JavaCardSubset.DEFAULT_PACKAGES,
                JavaCardSubset.DEFAULT_LIBRARY_PACKAGES, api).check(classes);
        assertTrue("no class files under " + classes, report.classFiles() >= 4);
        if (!report.ok()) {
            throw new AssertionError("Java Card subset check" + (api == null ? "" : " (" + api.target() + " API)")
                    + " failed: " + report.violations().size() + " finding(s) in " + classes + "\n  "
                    + String.join("\n  ", report.violations()));
        }
    }

    @Test
    public void appletClassesKeepToTheJavaCardSubset() throws Exception {
        check(null);
    }

    @Test
    public void appletClassesUseOnlyTheApiOfBothTargets() throws Exception {
        Path sdk = JcSdk.locate(JcSdk.repoRoot());
        if (sdk == null) {
            System.out.println("AppletSubsetTest: no Java Card SDK (JC_HOME unset, no " + JcSdk.SHARED_KIT
                    + "): the target API check is skipped; `make cap` says the same");
            return;
        }
        for (String target : List.of("3.0.4", "3.0.5")) {
            check(ApiExports.fromSdk(sdk, target));
        }
    }
}
