// Package repo locates the prefscope repository and its conventional paths.
//
// Every notebook, test and CLI run needs to find the same directories no
// matter where it was started from: a notebook runs with its working
// directory set to notebooks/ or inside a GoNB temporary module, a test runs
// in its package directory, and the CLI runs wherever the user is. Root
// resolves the repository in this order:
//
//  1. the PREFSCOPE_ROOT environment variable, if set (it must name a directory);
//  2. walking up from the working directory;
//  3. walking up from GoNB's directories (GONB_DIR, GONB_TMP_DIR,
//     GONB_JUPYTER_ROOT), when set;
//  4. walking up from the running executable's directory.
//
// While walking up, a go.mod whose module line is github.com/prefscope/prefscope
// marks the root. A go.mod of another module that replaces
// github.com/prefscope/prefscope with a local directory (the GoNB temporary
// module that a notebook's first cell sets up) points to the root too.
//
// The layout below the root follows DESIGN.md:
//
//	assets/<section>/plot_MMDDYY_<slug>.png   figures (AssetsDir, lib/plot.Save)
//	reports/<YYYY-MM-DD>/<section>.md         report sections (ReportDir, lib/report)
//	data/studies/default                      the default study (StudyDir)
//
// The report date comes from PREFSCOPE_DATE (YYYY-MM-DD) or else today's
// date in UTC, so that a whole notebook run writes one consistent date. All
// PREFSCOPE_* environment variables are listed, with their meaning, in
// env.go (see Vars).
//
// The package imports nothing from lib, so that every other package may use it.
package repo
