//! The 13 real daemons started from Alpine's scripts: under OpenRC 0.45 (`tests/real_daemons.rs`),
//! OpenRC 0.63.3 (`tests/real_daemons_063.rs`) and s6-rc (`tests/s6rc_daemons.rs`), one table.

/// What a client's output must hold; `{pid}` stands for the supervised process's pid.
pub enum Answer {
    /// A line equal to this, once trimmed (`\r` included).
    Line(&'static str),
    /// Text found anywhere.
    Contains(&'static str),
}

pub use Answer::{Contains, Line};

/// One daemon: where its script is, what it runs, how to ask it something.
pub struct Daemon {
    /// The service's name: the script's name in init.d, its directory in testdata/daemons.
    pub service: &'static str,
    /// The script: `alpine/<corpus>.initd` in the corpus.
    pub corpus: &'static str,
    /// The daemon's executable, as the run script names it.
    pub binary: &'static str,
    /// Who the supervised process runs as once it has started.
    pub user: &'static str,
    /// Who its children run as, for a master process that drops privileges in its workers.
    pub children: Option<&'static str>,
    /// A real client's request: sh run in the namespace, `$pid` the supervised process.
    pub client: &'static str,
    /// What the client's output must hold.
    pub answers: &'static [Answer],
    /// What the daemon's own output, kept by s6-log, must hold.
    pub log: &'static [&'static str],
    /// Diagnostic codes rc2s6 must report when compiling the script.
    pub reports: &'static [&'static str],
    /// What an administrator changes in Alpine's script where rc2s6 refuses it as written:
    /// `(from, to)`, each `from` found exactly once (`support::daemons::edited`).
    pub edits: &'static [(&'static str, &'static str)],
    /// Why rc2s6 refuses the script as Alpine writes it: the code, and the text of the line
    /// its error points at.
    pub refused_as_is: Option<(&'static str, &'static str)>,
}

pub const DAEMONS: &[Daemon] = &[
    Daemon {
        service: "memcached",
        corpus: "memcached__memcached",
        binary: "/usr/bin/memcached",
        user: "memcache",
        children: None,
        client: r"printf 'stats\r\nquit\r\n' | nc -w 10 127.0.0.1 11211",
        answers: &[Line("STAT pid {pid}")],
        log: &[],
        reports: &[],
        // `[ "${CONF}" == "memcached" ]` is true in busybox ash and bash, an error (false) in
        // dash: the pidfile and the conf.d sourced depend on which /bin/sh runs the script, and
        // rc2s6 refuses it. The administrator writes POSIX `=`, as every shell reads it.
        edits: &[("[ \"${CONF}\" == \"memcached\" ]", "[ \"${CONF}\" = \"memcached\" ]")],
        refused_as_is: Some(("rc2s6::model::unknowable_value", "[ \"${CONF}\" == \"memcached\" ] && CONF=''")),
    },
    Daemon {
        service: "redis",
        corpus: "redis__redis",
        binary: "/usr/bin/redis-server",
        user: "redis",
        children: None,
        client: "redis-cli -h 127.0.0.1 -p 6379 PING && redis-cli -h 127.0.0.1 -p 6379 INFO server",
        answers: &[Line("PONG"), Line("process_id:{pid}")],
        log: &[],
        // directory, set in start_pre, is a value the service directory holds as compiled.
        reports: &["rc2s6::model::start_pre_assignment"],
        // start_pre() reads the working directory from redis.conf when OpenRC starts the
        // service, which a service directory cannot follow: rc2s6 refuses the script. The
        // administrator writes the value of this redis.conf's `dir` instead.
        edits: &[("directory=$(config_get 'dir' '/var/lib/redis')", "directory=/var/lib/redis")],
        refused_as_is: Some(("rc2s6::model::unknowable_value", "directory=$(config_get 'dir' '/var/lib/redis')")),
    },
    Daemon {
        service: "dnsmasq",
        corpus: "dnsmasq__dnsmasq",
        binary: "/usr/sbin/dnsmasq",
        user: "dnsmasq",
        children: None,
        client: "dig @127.0.0.1 -p 53 +short +time=5 +tries=2 rc2s6.test A",
        answers: &[Line("192.0.2.53")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "nginx",
        corpus: "nginx__nginx",
        binary: "/usr/sbin/nginx",
        user: "root",
        children: Some("www-data"),
        client: "curl -sS -m 10 http://127.0.0.1/",
        answers: &[Line("rc2s6 nginx")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "lighttpd",
        corpus: "lighttpd__lighttpd",
        binary: "/usr/sbin/lighttpd",
        user: "www-data",
        children: None,
        client: "curl -sS -m 10 -i http://127.0.0.1/",
        answers: &[Contains("Server: lighttpd/"), Line("rc2s6 lighttpd")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "mosquitto",
        corpus: "mosquitto__mosquitto",
        binary: "/usr/sbin/mosquitto",
        user: "mosquitto",
        children: None,
        // CONNECT, SUBSCRIBE, and the broker's own message back.
        client: "mosquitto_sub -h 127.0.0.1 -p 1883 -t '$SYS/broker/version' -C 1 -W 10",
        answers: &[Contains("mosquitto version ")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "tinyproxy",
        corpus: "tinyproxy__tinyproxy",
        binary: "/usr/bin/tinyproxy",
        user: "tinyproxy",
        children: None,
        // tinyproxy answers its statistics host itself: no upstream server needed. Its stdout
        // goes where the script's output_log says, appended.
        client: "curl -sS -m 10 -x http://127.0.0.1:8888 http://tinyproxy.stats/ &&\n\
                 cat /var/log/tinyproxy/tinyproxy.log",
        answers: &[Contains("<title>Stats [tinyproxy v"), Contains("Accepting connections.")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "unbound",
        corpus: "unbound__unbound",
        binary: "/usr/sbin/unbound",
        user: "unbound",
        children: None,
        client: "dig @127.0.0.1 -p 53 +short +time=5 +tries=2 rc2s6.test A",
        answers: &[Line("192.0.2.54")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "privoxy",
        corpus: "privoxy__privoxy",
        binary: "/usr/sbin/privoxy",
        user: "privoxy",
        children: None,
        // http://p.p/ is privoxy's own page: no upstream server needed.
        client: "curl -sS -m 10 -x http://127.0.0.1:8118 http://p.p/",
        answers: &[Contains("on localhost (127.0.0.1), port 8118")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "dropbear",
        corpus: "dropbear__dropbear",
        binary: "/usr/sbin/dropbear",
        user: "root",
        children: None,
        // A key exchange; the host key must be the one the script's start() generated.
        client: "k=$(dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key | awk '/^ssh-ed25519 / { print $2 }')\n\
                 ssh-keyscan -T 10 -t ed25519 -p 22 127.0.0.1 |\n\
                 awk -v k=\"$k\" '{ print } $3 == k && k != \"\" { print \"host key generated by start()\" }'",
        answers: &[Contains("SSH-2.0-dropbear_"), Line("host key generated by start()")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "rsyncd",
        corpus: "rsync__rsyncd",
        binary: "/usr/bin/rsync",
        user: "root",
        children: None,
        // The module list, then a listing of the module (served by a child running as nobody).
        client: "rsync --contimeout=10 rsync://127.0.0.1/ && rsync --contimeout=10 rsync://127.0.0.1/rc2s6/",
        answers: &[Contains("rc2s6 test module"), Contains(" hello.txt")],
        log: &[],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "haveged",
        corpus: "haveged__haveged",
        binary: "/usr/sbin/haveged",
        user: "root",
        children: None,
        // No port: haveged holds the kernel's random device open to feed it. Since Linux 5.18
        // the kernel never asks for more (entropy_avail stays 256), so haveged's report of its
        // start-up self-tests, on generated data, is the evidence that it collects entropy.
        client: "readlink /proc/$pid/fd/*",
        answers: &[Line("/dev/random")],
        log: &["haveged: ver: ", "haveged: tot tests"],
        reports: &[],
        edits: &[],
        refused_as_is: None,
    },
    Daemon {
        service: "chronyd",
        corpus: "chrony__chronyd",
        binary: "/usr/sbin/chronyd",
        user: "_chrony",
        children: None,
        // No network port in the sandbox: chronyc asks through chronyd's Unix socket.
        client: "chronyc -n tracking",
        answers: &[Contains("Reference ID"), Contains("Leap status")],
        log: &[],
        // chronyd forks unless told -n: rc2s6's table keeps it in the foreground.
        reports: &["rc2s6::model::foreground_from_table"],
        // start() adds -s and -r to command_args when /dev/rtc exists and chrony.conf has
        // `rtcfile` / `dumponexit` when OpenRC starts the service: the run script makes the same
        // tests when it starts (`[ -c /dev/rtc ]`, `grep -q`). `^rtcfile` is not anchored at the
        // end, so what it finds depends on the locale on Alpine (busybox grep on musl stops at
        // a byte that is not valid UTF-8 after the match in a UTF-8 locale): rc2s6 refuses it.
        // The administrator writes the whole line their chrony.conf would hold. This
        // chrony.conf has neither line, so neither side adds a flag.
        edits: &[("grep -q '^rtcfile' \"${CFGFILE}\"", "grep -q '^rtcfile /var/lib/chrony/rtc$' \"${CFGFILE}\"")],
        refused_as_is: Some(("rc2s6::model::unknowable_value", "grep -q '^rtcfile' \"${CFGFILE}\" && command_args")),
    },
];

/// The clients and tools the checks run, besides OpenRC's and s6's.
pub const CLIENTS: &[&str] = &[
    "s6-svdt",
    "ip",
    "awk",
    "getent",
    "groupadd",
    "nc",
    "redis-cli",
    "dig",
    "curl",
    "mosquitto_sub",
    "ssh-keyscan",
    "dropbearkey",
    "chronyc",
];

/// Alpine's script with an administrator's `edits`, each `from` found exactly once.
pub fn edited(script: &str, edits: &[(&str, &str)]) -> String {
    let mut text = script.to_string();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "the edit's text is not once in the script: {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// A panic's message, for a run that failed by panicking.
pub fn panic_message(e: Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
}

/// Every daemon's run at once (each waits mostly on its own sleeps and seconds of uptime), by
/// service; a run that panicked gives its message.
pub fn run_all<O: Send>(
    scripts: &[std::path::PathBuf],
    run: impl Fn(&'static Daemon, &std::path::Path) -> O + Sync,
) -> std::collections::BTreeMap<&'static str, Result<O, String>> {
    let run = &run;
    std::thread::scope(|s| {
        let running: Vec<_> =
            DAEMONS.iter().zip(scripts).map(|(d, script)| (d.service, s.spawn(move || run(d, script)))).collect();
        running.into_iter().map(|(name, h)| (name, h.join().map_err(panic_message))).collect()
    })
}
