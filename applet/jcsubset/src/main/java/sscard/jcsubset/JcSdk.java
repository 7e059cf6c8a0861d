package sscard.jcsubset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the Java Card SDK is: {@code JC_HOME} (the user's own download from Oracle), else the
 * team's copy beside the checkout, {@code ../shared/javacard-sdk/jc320v25.1_kit}, when it exists.
 * The project only points at an SDK; it never copies any part of one (Oracle's licence).
 * {@code scripts/cap.py} looks it up the same way.
 */
public final class JcSdk {

    /** The team's copy of the SDK, relative to the repository root. */
    public static final String SHARED_KIT = "../shared/javacard-sdk/jc320v25.1_kit";

    private JcSdk() {
    }

    /**
     * The SDK folder, or null when there is none at all.
     *
     * @throws IllegalStateException when {@code JC_HOME} is set but holds no SDK: a wrong setting
     *     must not turn into a silent skip
     */
    public static Path locate(Path repoRoot) {
        String env = System.getenv("JC_HOME");
        if (env != null && !env.isEmpty()) {
            Path home = Paths.get(env);
            if (!Files.isRegularFile(home.resolve("lib").resolve("tools.jar"))
                    && !Files.isDirectory(home.resolve("api_export_files"))) {
                throw new IllegalStateException("JC_HOME=" + env + " is not a Java Card SDK"
                        + " (no lib/tools.jar, no api_export_files/)");
            }
            return home;
        }
        Path shared = repoRoot.resolve(SHARED_KIT).normalize();
        return Files.isRegularFile(shared.resolve("lib").resolve("tools.jar")) ? shared : null;
    }

    /** The repository root from a module directory's system property, or the working directory. */
    public static Path repoRoot() {
        String root = System.getProperty("sscard.repo.root");
        return (root != null ? Paths.get(root) : Paths.get("")).toAbsolutePath().normalize();
    }
}
