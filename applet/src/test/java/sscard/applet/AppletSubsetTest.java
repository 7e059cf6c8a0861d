package sscard.applet;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.Test;
import sscard.jcsubset.JavaCardSubset;

/**
 * Runs the Java Card subset check over this module's compiled applet classes; this is what makes
 * {@code mvn package} fail, naming class and member, when an applet steps outside the subset.
 */
public class AppletSubsetTest {

    @Test
    public void appletClassesKeepToTheJavaCardSubset() throws Exception {
        Path classes = Paths.get(System.getProperty("sscard.applet.classes", "target/classes"));
        assertTrue("no compiled classes at " + classes.toAbsolutePath(), Files.isDirectory(classes));

        JavaCardSubset.Report report = new JavaCardSubset(JavaCardSubset.DEFAULT_PACKAGES).check(classes);

        assertTrue("no class files under " + classes, report.classFiles() >= 4);
        if (!report.ok()) {
            throw new AssertionError("Java Card subset check failed: " + report.violations().size()
                    + " finding(s) in " + classes + "\n  "
                    + String.join("\n  ", report.violations()));
        }
    }
}
