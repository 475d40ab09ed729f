#!/usr/bin/python3
"""Tests of the tool's readers: option descriptions, option tags, ExecStart= splitting, Debian
patches. The descriptions are quoted from the man pages named (Debian bookworm/trixie).

Run: python3 -m unittest tools/daemon-table/test_tool.py   (from the repo root)
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import debpatch  # noqa: E402
import helptext  # noqa: E402
import manpage  # noqa: E402
import units  # noqa: E402


def cls(desc):
    c, _, effects, _ = manpage.classify(desc)
    return (c + "*" if effects else c) if c else None


class Classify(unittest.TestCase):
    def test_foreground(self):
        for desc in [
            "Do not go into the background at startup but otherwise run as normal. This is intended for use when dnsmasq is run under daemontools or launchd",  # dnsmasq(8) -k
            "When run in this mode, the program will not detach itself from the terminal.",  # chronyd(8) -n
            "Stops the daemon from forking and detaching from the controlling terminal. This is useful for running from init.",  # ipmilan(8) -n
            "Do not daemonize (go into background). The default is to daemonize.",  # lighttpd(8) -D
            "Run the BOS Server in the foreground. By default, the BOS Server process will fork and detach the stdio, stderr, and stdin streams.",  # bosserver(8)
            "Don't fork",
            "Foreground",  # busybox crond -f
            "Do not detach from the controlling terminal",
            "Disable daemon mode",
            "Don't background",
            "don't fork into the background",
        ]:
            self.assertEqual(cls(desc), "fg", desc)

    def test_foreground_with_side_effects(self):
        for desc in [
            "When run in this mode, chronyd will print the configuration and exit. It will not detach from the terminal.",  # chronyd -p
            "Debug mode. Does not fork.",
            "Provide additional output for debug purposes. The process will stay attached to the terminal for output.",  # vnstatd -D
            "Debug flag: do not fork into the background, but stay attached to the console.",  # unbound -d
            "Do not daemonize. If this option is specified, ntpd will run in the foreground and log to stderr.",  # openntpd -d
            "Log to stderr instead of daemonizing",
        ]:
            self.assertEqual(cls(desc), "fg*", desc)

    def test_daemonize(self):
        for desc in [
            "Run memcached as a daemon.",  # memcached(1) -d
            "Tells faxrunqd to run in the background, as a daemon.",  # faxrunqd(8) -D
            "This options starts tuned as a daemon as opposed to in the foreground without forking at startup.",  # tuned(8) -d
            "Fork into background",
            "Detach from the controlling terminal",
            "Enable daemon mode",
            "Run in background as a daemon. If this option is specified, normal output will be redirected to /var/log/ipmiutil_getevt.log. The default is to run in foreground.",  # igetevent(8) -b
        ]:
            self.assertEqual(cls(desc), "bg", desc)
        self.assertEqual(cls("Background (default)"), "bg-default")  # busybox crond -b

    def test_neither(self):
        for desc in [
            # thunar -q: other instances run in the background, the option stops them
            "Terminate any Thunar instance running in the background (spawned using the --daemon option).",
            # vnstatd --initdb: names other options
            "Create a new empty database without interface data and exit. This option cannot be used in combination with -d, --daemon or -n, --nodaemon.",
            # vnstatd -t: a condition
            "Add a timestamp to the beginning of every print from the daemon when the process is running in the foreground attached to a terminal",
            # avahi-dnsconfd -s
            "Log to syslog instead of STDERR. This is the implied when --daemonize is passed",
            # staprun -L: detaches from a module, not a terminal
            "Load module and start probes, then detach from the module leaving the probes running.",
            # spectacle -n: a condition
            "In background mode, do not pop up a notification when the screenshot is taken.",
            # dkms --no-depmod
            "This option prevents DKMS from running the depmod command during install and uninstall.",
            # merecat -s: an aside
            "Use syslog, even though running in foreground, -n. merecat uses syslog by default",
            # uwsgi --attach-daemon: said of the command it runs
            "attach a command/daemon to the master process (the command has to not go in background)",
            # vtysh --no-fork: children
            "When used in conjunction with -b, prevents vtysh from forking children to handle configuring each target daemon.",
            # rdiff-backup --resource-forks: Mac OS resource forks are data
            "enable/disable back-up of resource forks (MacOS X).",
            # blockdiag3 --no-transparency: a picture's background
            "do not make transparent background of diagram (PNG only)",
            # goobox --gst-disable-registry-fork: a fork of a sub-task
            "Disable the use of fork() while scanning the registry.",
            # swtchrd --no-check: another daemon
            "Skip checking that the daemon is running in a Sway session",
            # rsync --relative
            "Use relative paths. This means that the full path names specified on the command line are sent to the server rather than just the last parts of the filenames, but only for a non-daemon transfer.",
        ]:
            self.assertIsNone(cls(desc), desc)


class OptionEffects(unittest.TestCase):
    def test_repeated_and_named(self):
        # kamailio(8) -D: a count
        o = manpage.Option(["-D"], None, "-D", "Control how daemonize is done: -D - do not fork (almost) anyway (run in foreground), -DD - do not daemonize creator; -DDD - daemonize (default)", 1)
        self.assertIn("means more when repeated", o.effects)
        # pptp(8) --debug
        o = manpage.Option(["--debug"], None, "--debug", "Run in foreground (for debugging with gdb)", 1)
        self.assertIn("named as more than a foreground option", o.effects)
        o = manpage.Option(["-f", "--foreground"], None, "-f, --foreground", "Run in the foreground.", 1)
        self.assertEqual((o.cls, o.effects), ("fg", []))


class Tags(unittest.TestCase):
    def test_parse_tag(self):
        self.assertEqual(manpage.parse_tag("-f, --foreground"), (["-f", "--foreground"], None))
        self.assertEqual(manpage.parse_tag("-D | --daemonize"), (["-D", "--daemonize"], None))
        self.assertEqual(manpage.parse_tag("-c file, --config=file"), (["-c", "--config"], "required"))
        self.assertEqual(manpage.parse_tag("-d, --daemon [=arg(=0)]"), (["-d", "--daemon"], "optional"))
        self.assertEqual(manpage.parse_tag("-nodetach"), (["-nodetach"], None))

    def test_parse_tag_other_separators(self):
        # lvmpolld(8), sinfod(8), vdradmind(8), brltty(1), ocserv(8), vzlogger(8)
        self.assertEqual(manpage.parse_tag("-f|--foreground"), (["-f", "--foreground"], None))
        self.assertEqual(manpage.parse_tag("-F/--foreground"), (["-F", "--foreground"], None))
        self.assertEqual(manpage.parse_tag("--nofork / -n"), (["--nofork", "-n"], None))
        self.assertEqual(manpage.parse_tag("-n (--no-daemon)"), (["-n", "--no-daemon"], None))
        self.assertEqual(manpage.parse_tag("-f, --foreground:"), (["-f", "--foreground"], None))
        self.assertEqual(manpage.parse_tag("-f, \u2013foreground"), (["-f", "--foreground"], None))
        # An argument after '|' or in parentheses stays an argument.
        self.assertEqual(manpage.parse_tag("--log=syslog|stderr"), (["--log"], "required"))
        self.assertEqual(manpage.parse_tag("-o (file)"), (["-o"], "required"))

    def test_synopsis_lists_names_not_arguments(self):
        text = "NAME\n       tgtd - daemon\n\nSYNOPSIS\n       tgtd [-f --foreground] [-C control_port]\n"
        with_arg, _ = manpage.synopsis_arguments(text)
        self.assertNotIn("-f", with_arg)
        self.assertIn("-C", with_arg)


class LogDestination(unittest.TestCase):
    def test_only_moves_logs(self):
        for desc in [
            "This option keeps acpid in the foreground by not forking at startup, and makes it log to stderr instead of syslog.",  # acpid(8) -f
            "Runs pcscd in the foreground and sends log messages to stderr instead of syslog(3).",  # pcscd(8) -f
            "Don't fork, and log messages to stderr rather than syslog.",  # certmonger(8) -n
            "Do not fork, but stay in the foreground and log to stderr.",  # inoticoming(1) --foreground
            "Run slurmdbd in the foreground with logging copied to stdout.",  # slurmdbd(8) -D
            "don't run as daemon.  webfsd will not fork into background, not detach from terminal and report errors to stderr.",  # webfsd(1) -F
        ]:
            self.assertTrue(manpage.only_moves_logs(desc), desc)
            o = manpage.Option(["-f"], None, "-f", desc, 1)
            self.assertTrue(o.moves_logs, desc)

    def test_says_more(self):
        for desc in [
            "Debug mode: run in the foreground and log to stderr",
            "Run in the foreground, sending logs to stderr, and listening on file descriptor 3, which must already be bound to a listening socket.",  # dirmngr(8) --supervised
            "Do not start up in background as a daemon. Also log received and transmitted packets to stdout.",  # baycomepp(8) -n
            "Run in the foreground; do not detach and run as a daemon.  Messages are logged to stdout or stderr, instead of using the syslog(3) mechanism.  This option is useful mainly for debugging your configuration.",  # netplugd(8) -F
            "Specifies that the program should not fork, but instead remain in the foreground.  Only use this when you are starting the program manually for testing purposes.",  # dhcp_probe(8) -f
            "Do not daemonize. If this option is specified, ntpd will run in the foreground and log to stderr.",  # openntpd: a condition
            "Run in the foreground.",  # nothing about logs: a clean option, not this
        ]:
            self.assertFalse(manpage.only_moves_logs(desc), desc)
        # Named as more than a foreground option: never added.
        o = manpage.Option(["--debug"], None, "--debug", "Run in the foreground and log to stderr.", 1)
        self.assertFalse(o.moves_logs)

    def test_options_of_a_rendered_page(self):
        text = "\n".join(
            [
                "OPTIONS",
                "       -d, --daemon",
                "              Fork process to background and run as a daemon.",
                "",
                "       --test Read and syntax check configuration file(s).",
                "",
                "       -n     Do not daemonize the main process.",
                "       -d,  --daemon Run mosquitto in the background as a daemon.",
            ]
        )
        got = [(o.names, o.cls) for o in manpage.options(text)]
        self.assertIn((["-d", "--daemon"], "bg"), got)
        self.assertIn((["--test"], None), got)
        self.assertIn((["-n"], "fg"), got)

    def test_name_section(self):
        self.assertEqual(manpage.names_documented("NAME\n       bird - BIRD Internet Routing Daemon\n"), {"bird"})
        self.assertEqual(manpage.names_documented("NAME\n       xrdp, xrdp-sesman - a thing\n"), {"xrdp", "xrdp-sesman"})

    def test_page_documents_name_whatever_its_case(self):
        page = "NAME\n       InspIRCd - Modular IRC server\n"
        self.assertTrue(manpage.documents(page, "inspircd"))
        self.assertFalse(manpage.documents(page, "inspircd-genssl"))
        self.assertFalse(manpage.documents("NAME\n       bird - BIRD Internet Routing Daemon\n", "bird6"))

    def test_synopsis_arguments(self):
        with_arg, alone = manpage.synopsis_arguments("SYNOPSIS\n       xmotd [-wakeup sleep-period] [-dfv] file\n")
        self.assertIn("-wakeup", with_arg)
        self.assertIn("-d", alone)


class ExecStart(unittest.TestCase):
    def test_split(self):
        prog, args = units.exec_line('-/usr/sbin/foo -f "a b" $OPTS ${ONE} --x=%i')
        self.assertEqual(prog.text, "/usr/sbin/foo")
        self.assertEqual([w.text for w in args], ["-f", "a b", "$OPTS", "${ONE}", "--x=%i"])
        self.assertEqual([w.literal for w in args], [True, True, False, False, False])
        self.assertTrue(args[2].split_var)

    def test_argv0(self):
        prog, args = units.exec_line("@/usr/bin/foo foo-name -d")
        self.assertEqual((prog.text, [w.text for w in args]), ("/usr/bin/foo", ["-d"]))

    def test_type_defaults(self):
        s = units.Service("x.service", units.parse_unit("[Service]\nExecStart=/bin/x\n"))
        self.assertEqual(s.type, "simple")
        s = units.Service("x.service", units.parse_unit("[Service]\nType=forking\nExecStart=/bin/x\n"))
        self.assertEqual(s.type, "forking")

    def test_dropin_reset(self):
        base = units.parse_unit("[Service]\nExecStart=/bin/x -d\n")
        drop = units.parse_unit("[Service]\nExecStart=\nExecStart=/bin/x -f\n")
        s = units.Service("x.service", units.merge(base, [drop]))
        self.assertEqual(s.exec_start, ["/bin/x -f"])


class DebianPatches(unittest.TestCase):
    PATCH = """--- a/cron.8
+++ b/cron.8
@@ -1,3 +1,6 @@
 .SH OPTIONS
+.TP
+.B \\-f
+Stay in foreground mode, don't daemonize.
 .TP
 .B \\-x
--- a/cron.c
+++ b/cron.c
@@ -1,2 +1,2 @@
-	while (EOF != (argch = getopt(argc, argv, "x:"))) {
+	while (EOF != (argch = getopt(argc, argv, "fx:"))) {
"""
    TEXT_ONLY = """--- a/cron.8
+++ b/cron.8
@@ -1,1 +1,1 @@
+25 6 * * *  root  test \\-x /usr/sbin/anacron || run-parts \\-\\-report /etc/cron.daily
"""

    NEW_PAGE = """--- /dev/null
+++ b/and.8
@@ -0,0 +1,4 @@
+.TH AND 8
+.TP
+.B \\-f
+Foreground mode. Don't daemonize.
"""

    def test_a_page_debian_writes_adds_no_option(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "debian", "patches"))
            with open(os.path.join(d, "debian", "patches", "000_and.8.man.diff"), "w") as f:
                f.write(self.NEW_PAGE)
            self.assertIsNone(debpatch.added_by(debpatch.load(d), "-f"))

    def test_added_option(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "debian", "patches"))
            with open(os.path.join(d, "debian", "patches", "foreground.patch"), "w") as f:
                f.write(self.PATCH)
            with open(os.path.join(d, "debian", "patches", "example.patch"), "w") as f:
                f.write(self.TEXT_ONLY)
            p = debpatch.load(d)
            self.assertEqual(debpatch.added_by(p, "-f"), "debian/patches/foreground.patch")
            self.assertIsNone(debpatch.added_by(p, "-x"))
            self.assertIsNone(debpatch.added_by(p, "--report"))


    def test_patch_names_that_speak_of_forking(self):
        for name in ["no-fork.patch", "dont-daemonize.diff", "run-in-background.patch", "go_to_background.diff", "0003-supervise.c-restart-process-when-fork-fails.patch", "foreground-mode.patch"]:
            self.assertTrue(debpatch.FORKING_NAME.search(name), name)
        for name in ["01_fix_background_conf_for_maui_theme.diff", "background-image.patch", "fix-typo.patch"]:
            self.assertFalse(debpatch.FORKING_NAME.search(name), name)


# Help texts as the sandbox captured them (tools/daemon-table/helptext.py), Debian bookworm.
ACPID_HELP = """Usage: acpid [OPTIONS]
  -c, --confdir      Set the configuration directory.
  -d, --debug        Increase debugging level.
  -f, --foreground   Run in the foreground.
  -l, --logevents    Log all event activity.
  -v, --version      Print version information.
  -h, --help         Print this message.
"""  # acpid 1:2.0.34-1 `acpid --help`
ACCOUNTS_HELP = """Usage:
  accounts-daemon [OPTION?]

Provides D-Bus interfaces for querying and manipulating
user account information.

Help Options:
  -h, --help       Show help options

Application Options:
  --version        Output version information and exit
  --replace        Replace existing instance
  --debug          Enable debugging code

"""  # accountsservice 22.08.8-6 `accounts-daemon --help`
VGAUTH_HELP = """** Message: 04:02:11.254: Pref_Init: Using '/etc/vmware-tools/vgauth.conf' as preferences filepath

Usage: VGAuthService [OPTION]
Service to support SAML token and ticketing authentication for VMware products.

\t-k\tShut down the running instance that was started as a daemon.
\t-s\tRun in daemon mode.
\t-b\tRun in background mode, using a pid lock file.
\t-h\tDisplay this help and exit.
"""  # open-vm-tools 2:12.2.0-1+deb12u4 `VGAuthService -h`
STARTED = """** Message: 04:02:10.901: INIT SERVICE
** (process:10): WARNING **: 04:02:10.901: main: unrecognized args
** (process:10): WARNING **: ServiceStartAndRun: failed to init alias store; exiting
"""  # open-vm-tools `VGAuthService --help`: it ignored --help and started


class HelpText(unittest.TestCase):
    def test_a_help_text_is_read_like_a_man_page(self):
        self.assertEqual(helptext.is_help({"status": 1, "text": ACPID_HELP}, "acpid"), "")
        opts = {tuple(o.names): o for o in manpage.options(helptext.as_page(ACPID_HELP, "acpid"))}
        self.assertEqual(opts[("-f", "--foreground")].cls, "fg")
        self.assertEqual(opts[("-f", "--foreground")].effects, [])
        self.assertIsNone(opts[("-d", "--debug")].cls)
        # Tab-separated (VGAuthService -h): the daemonize options are read as such.
        self.assertEqual(helptext.is_help({"status": 0, "text": VGAUTH_HELP}, "VGAuthService"), "")
        got = {tuple(o.names): o.cls for o in manpage.options(helptext.as_page(VGAUTH_HELP, "VGAuthService"))}
        self.assertEqual(got[("-s",)], "bg")
        self.assertEqual(got[("-b",)], "bg")
        self.assertIsNone(got[("-k",)])

    def test_silence_is_read_over_the_whole_text(self):
        page = helptext.as_page(ACCOUNTS_HELP, "accounts-daemon")
        self.assertEqual(helptext.is_help({"status": 0, "text": ACCOUNTS_HELP}, "accounts-daemon"), "")
        self.assertIsNone(manpage.mentions_forking(page))
        self.assertIn("--replace", {n for o in manpage.options(page) for n in o.names})
        self.assertTrue(manpage.mentions_forking(helptext.as_page(VGAUTH_HELP, "VGAuthService")))

    def test_what_is_not_a_help_text(self):
        cases = [
            ({"status": None, "text": ACPID_HELP, "error": "it did not exit by itself within 5s (it may have started)"}, "did not exit"),
            ({"status": 0, "text": ""}, "printed nothing"),
            ({"status": 0, "text": STARTED}, "no option list"),
            ({"status": 127, "text": "baloo_file: error while loading shared libraries: libKF5Baloo.so.5: cannot open shared object file\n"}, "could not run here"),
            ({"status": 1, "text": "VGAuthService: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by VGAuthService)\n"}, "could not run here"),
            ({"status": 127, "text": "accounts-daemon: symbol lookup error: accounts-daemon: undefined symbol: g_once_init_leave_pointer\n"}, "could not run here"),
            # Option-like lines that document no help option: perhaps a log, a config dump.
            ({"status": 0, "text": "  -a  one thing\n  -b  another thing\n"}, "own help option"),
            ({"status": 0, "text": ACPID_HELP + "x" * helptext.CAP}, "cap"),
            # An option alone on its line over another that forks: which one forks is not known.
            ({"status": 0, "text": "Usage: foo [options]\n  -h, --help   help\n  -n, --name\n      --nofork   Do not fork\n"}, "may be another option's"),
        ]
        for got, why in cases:
            self.assertIn(why, helptext.is_help(got, "foo"), got)

    def test_go_flag_usage_lists_no_help_option(self):
        # prometheus-dnsmasq-exporter --help (Debian bookworm 0.2.0-...): Go's flag package.
        text = 'Usage of prometheus-dnsmasq-exporter:\n  -dnsmasq string\n    \tdnsmasq host:port address (default "localhost:53")\n  -expose_leases\n    \texpose dnsmasq leases as metrics (high cardinality)\n'
        self.assertEqual(helptext.is_help({"status": 0, "text": text}, "prometheus-dnsmasq-exporter"), "")
        got = {tuple(o.names): o.arg for o in manpage.options(helptext.as_page(text, "x"))}
        self.assertEqual(got, {("-dnsmasq",): "required", ("-expose_leases",): None})
        # Another program's header is not this one's help text.
        self.assertIn("own help option", helptext.is_help({"status": 0, "text": text}, "dnsmasq"))

    def test_an_alias_on_its_own_line_is_not_a_misreading(self):
        # nats-server --help (Debian trixie 2.10.27-1+b2): `-n, --name` over `--server_name`.
        text = "Usage: nats-server [options]\n\nServer Options:\n    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)\n    -n, --name\n        --server_name <server_name>  Server name (default: auto)\n    -h, --help                       Show this message\n"
        self.assertEqual(helptext.is_help({"status": 0, "text": text}, "nats-server"), "")

    def test_exit_status(self):
        self.assertEqual(helptext.exit_status(255), (255, ""))  # exit(-1): anope --help
        self.assertEqual(helptext.exit_status(1), (1, ""))
        self.assertEqual(helptext.exit_status(134), (None, "it was killed by signal 6"))

    def test_usage_lines_name_the_program(self):
        self.assertEqual(helptext.usage_lines("Usage: /usr/sbin/foo [-d] FILE\n", "foo"), ["foo [-d] FILE"])
        self.assertEqual(helptext.usage_lines("usage: prometheus-node-exporter [<flags>]\n", "prometheus-node-exporter"), ["prometheus-node-exporter [<flags>]"])
        # Go's flag package names no operands; another program's usage line is not this one's.
        self.assertEqual(helptext.usage_lines("Usage of /usr/bin/foo:\n  -addr string\n", "foo"), [])
        self.assertEqual(helptext.usage_lines("Usage: bar [-d]\n", "foo"), [])

    def test_the_synopsis_comes_from_the_usage_line(self):
        class Page:
            def __init__(self, text):
                self._t = text

            def text(self):
                return self._t

        import build

        trailing, _ = build.synopsis(Page(helptext.as_page("Usage: foo [-f] CONFIG\n  -h  help\n  -f  Run in the foreground\n", "foo")), "foo")
        self.assertTrue(trailing)
        trailing, _ = build.synopsis(Page(helptext.as_page(ACPID_HELP, "acpid")), "acpid")
        self.assertFalse(trailing)

    def test_evidence_kinds(self):
        import build

        self.assertEqual(build.help_evidence("simple-unit+silent-man"), "simple-unit+silent-help")
        self.assertEqual(build.help_evidence("unit-flag+man"), "unit-flag+help")
        self.assertEqual(build.help_evidence("unit-without+man"), "unit-without+help")


class ReleaseRoot(unittest.TestCase):
    def test_loader_and_library_path(self):
        with tempfile.TemporaryDirectory() as root:
            self.assertEqual(helptext.root_loader(root, []), (None, ""))
            for d in ("usr/lib/x86_64-linux-gnu/pulseaudio", "usr/lib/x86_64-linux-gnu/bar", "etc/ld.so.conf.d", "opt/foo/lib"):
                os.makedirs(os.path.join(root, d))
            for f in ("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "usr/lib/x86_64-linux-gnu/pulseaudio/libpulsecommon-16.1.so", "usr/lib/x86_64-linux-gnu/bar/README"):
                open(os.path.join(root, f), "w").close()
            with open(os.path.join(root, "etc/ld.so.conf.d/foo.conf"), "w") as f:
                f.write("# comment\n/opt/foo/lib\n")
            loader, path = helptext.root_loader(root, ["opt/foo/lib"])
            self.assertEqual(loader, os.path.join(root, "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"))
            dirs = [os.path.relpath(d, root) for d in path.split(":")]
            # The standard directories first, then ld.so.conf.d's, the package's, RUNPATH-style ones.
            self.assertEqual(dirs[0], "usr/lib/x86_64-linux-gnu")
            self.assertIn("opt/foo/lib", dirs)
            self.assertIn("usr/lib/x86_64-linux-gnu/pulseaudio", dirs)
            self.assertNotIn("usr/lib/x86_64-linux-gnu/bar", dirs)


@unittest.skipUnless(os.geteuid() == 0, "the sandbox needs root (unshare, mount, setpriv)")
class Sandbox(unittest.TestCase):
    """The sandbox itself, with the machine's own programs."""

    def test_runs_as_nobody_without_network_in_an_empty_directory(self):
        status, text, error = helptext.sandboxed("/usr/bin/id", "id", "-u", "")
        self.assertEqual((status, text.strip(), error), (0, "65534", ""))
        status, text, _ = helptext.sandboxed("/bin/ls", "ls", "-A", "")
        self.assertEqual((status, text), (0, ""))
        status, text, _ = helptext.sandboxed("/bin/cat", "cat", "/proc/net/dev", "")
        self.assertEqual(status, 0)
        self.assertEqual([l.split(":")[0].strip() for l in text.split("\n")[2:] if l.strip()], ["lo"])
        status, text, _ = helptext.sandboxed("/usr/bin/env", "env", "-0", "")
        self.assertEqual(text.split("\0")[0], "PATH=/run/rc2s6-help/bin:/usr/bin:/bin")

    def test_with_a_release_roots_loader(self):
        # helproot.py's roots run a program through their own ld.so: here the machine's.
        loader = os.path.realpath("/lib64/ld-linux-x86-64.so.2")
        status, text, _ = helptext.sandboxed("/bin/sh", "sh", "-c", "", loader, os.path.dirname(loader))
        self.assertEqual(status, 2)  # `sh -c` without a command string
        status, text, _ = helptext.sandboxed("/usr/bin/id", "id", "-un", "", loader, os.path.dirname(loader))
        self.assertEqual((status, text.strip()), (0, "nobody"))

    def test_a_program_that_keeps_running_is_killed_and_gives_nothing(self):
        status, _, error = helptext.sandboxed("/bin/sleep", "sleep", "60", "")
        self.assertIsNone(status)
        self.assertIn("did not exit by itself", error)
        self.assertIn("did not exit", helptext.is_help({"status": status, "text": "", "error": error}, "sleep"))


if __name__ == "__main__":
    unittest.main()
