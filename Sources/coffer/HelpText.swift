/// The `--help` texts of every command.
enum HelpText {
    static let main = """
        coffer — an encrypted personal-data vault

        Usage: coffer <command> [options]

        Commands:
          serve     run the server (TLS line protocol)
          call      send request lines to a running server and print the replies
          shell     an interactive session with a running server
          rotate    rotate the master key, a tenant key or the data keys (for cron)
          backup    copy the databases consistently while the server runs
          restore   put a backup back into the data directory (server stopped)
          verify    check the databases or a backup: integrity, headers, a decrypted sample
          bench     measure the vault engine, or the server over TLS (see: coffer bench --help)
          audit     verify the audit trail (see: coffer audit --help)

        Run `coffer <command> --help` for the options of a command.
        """

    static let serve = """
        Usage: coffer serve [--config PATH]

        Runs the server. Without --config it reads Config/coffer.json under the working
        directory (every key has a default, so the file may be absent). On first start it creates
        the master key, a self-signed TLS certificate for localhost and 127.0.0.1 and the operator
        token (all mode 0600, in directories of mode 0700) where bootstrap.createMissingKeys is
        true. It refuses to start if a secret file (master key, TLS private key, operator token)
        is accessible by group or others, is a symbolic link, is not owned by the user it runs
        as, or lies in a directory that group or others may write to. It runs with core dumps
        off. It prints "listening on HOST:PORT" to standard error once it accepts connections,
        and on SIGINT or SIGTERM finishes the requests in flight and exits with status 0.

        Options:
          --config PATH   the JSON config file (see docs/PROTOCOL.md and CONTRACT section 8)
          --help          show this text
        """

    static let clientOptions = """
        Options:
          --config PATH       read host, port and the server certificate from this config file
                              (default: Config/coffer.json under the working directory)
          --host HOST         server address (default: listen.host of the config)
          --port PORT         server port (default: listen.port of the config)
          --ca PATH           PEM certificate to trust (default: tls.certificate of the config)
          --token-file PATH   send AUTH with the token in this file first (for example
                              keys/operator.token); its reply is not printed
          --help              show this text
        """

    static let call = """
        Usage: coffer call [options] LINE [LINE ...]

        Connects over TLS, verifies the server certificate, sends each LINE as one request and
        prints each reply line to standard output. Exit status: 0 if every reply is OK, 1 if any
        is ERR, 2 if the server could not be reached or the arguments are wrong.

        Example:
          coffer call --token-file keys/operator.token 'TENANT CREATE acme'

        """ + clientOptions

    static let shell = """
        Usage: coffer shell [options]

        An interactive session: each line typed is sent as one request and its reply printed.
        End with QUIT or end of input (Ctrl-D).

        """ + clientOptions

    static let rotate = """
        Usage: coffer rotate master   --token-file OPERATOR_TOKEN [options]
               coffer rotate tenant T --token-file TENANT_T_TOKEN [options]
               coffer rotate data [--tenant T] --token-file TOKEN [options]
               coffer rotate operator-token --token-file OPERATOR_TOKEN [options]
               coffer rotate admin-token --token-file TENANT_TOKEN [options]

        Key rotation jobs for cron, run against the running server while it serves:
          master   MASTER ROTATE: a new master key version; every tenant key is rewrapped
          tenant   KEY ROTATE: a new key-encryption key for tenant T; every subject key is
                   rewrapped and the old version destroyed
          data     DATA ROTATE: every value is re-encrypted under a fresh subject data key, as
                   a background job; the command follows it with DATA STATUS until it is done
                   (an operator token rotates every tenant; a tenant token its own tenant)
          operator-token  OPERATOR ROTATE, admin-token  ADMIN ROTATE: the new token is
                   written to FILE.new (mode 0600), its first AUTH retires the old token on
                   the server (no restart), then FILE.new replaces FILE. Until that AUTH the
                   old token in FILE keeps working; an interrupted run says which file holds
                   the working token.
        Progress goes to standard error (a bar on a terminal). Exit status: 0 when the job
        finished, 1 when the server refused or the job did not finish, 2 on usage or
        connection errors.

        Options:
          --tenant T          with `data`: the tenant whose token is given (checked)
          --poll-seconds N    with `data`: how often to ask for progress (default 1)

        """ + clientOptions

    static let backup = """
        Usage: coffer backup [--config PATH] --to DIR [--only vault|keyring]

        Copies vault.db and keyring.db from the data directory of the config into DIR with
        SQLite's online backup API: a consistent snapshot of each, taken while the server runs
        and writes. The vault is copied first, then the keyring, so the keyring copy holds the
        keys of every vault row that was not shredded. DIR (created mode 0700; it must be missing
        or empty) receives the copies and manifest.json: creation time, coffer version, and per
        file its size, SHA-256, schema version and, for the keyring, the master key versions it
        needs. Every file is mode 0600. The master key and the operator token are never copied:
        back up the master key separately, offline (see docs/OPERATIONS.md).

        Options:
          --config PATH        the server's config file (default: Config/coffer.json)
          --to DIR             the new backup directory
          --only vault|keyring copy one database only: vault backups and keyring backups may be
                               kept for different times, which bounds erasure from backups
          --help               show this text
        """

    static let restore = """
        Usage: coffer restore [--config PATH] --from DIR [--only vault|keyring] [--force]

        Puts the databases of the backup in DIR back into the data directory of the config.
        Before changing anything it checks every file against the manifest (size and SHA-256),
        checks that the master key file can unwrap a keyring being restored, and refuses while
        any process (a running server, even an idle one) has a database open: stop the server
        first. Databases already in the data directory are replaced only with --force. A vault
        that holds rows of tenants the keyring never had (a keyring older than the vault) is
        always refused, since the server would purge those rows as shredded; so is a vault whose
        keys the keyring no longer has (a vault from before a KEY ROTATE with a later keyring).
        Restoring only the vault loses the audit records written since its backup: the command
        says how many. Exit status: 0 restored, 1 refused or failed, 2 usage.

        Options:
          --config PATH        the server's config file (default: Config/coffer.json)
          --from DIR           the backup directory
          --only vault|keyring restore one database only (for example an older vault with the
                               current keyring: tenants shredded since stay unreadable)
          --force              replace databases that exist in the data directory
          --help               show this text
        """

    static let verify = """
        Usage: coffer verify [--config PATH] [--backup DIR] [--sample N]

        Checks the databases of the data directory (the server may be running), or the backup
        in DIR: the manifest's sizes and SHA-256 (backups), PRAGMA integrity_check and
        foreign_key_check, that every wrapped key of the keyring unwraps under the master key,
        that every ciphertext and wrapped key of the vault has a readable header naming a key
        version that exists, and decrypts up to N random subjects per tenant end to end.
        Rows of shredded tenants are reported as unreadable, as expected, not as problems.
        A backup without a keyring is checked against the live keyring. Prints a summary;
        exit status 0 when all is well, 1 with the first problems otherwise, 2 on usage.

        Options:
          --config PATH   the server's config file: data directory and master key
          --backup DIR    verify this backup instead of the live data directory
          --sample N      subjects decrypted per tenant (default 100; 0 checks headers only)
          --help          show this text
        """

    static let bench = """
        Usage: coffer bench engine   [--dir PATH] [--fields N] [--shred-sizes N,N,...]
               coffer bench rotation [--dir PATH] [--subjects N] [--tenants N]
               coffer bench growth   [--sizes N,N,...]
               coffer bench net      [options]   (see: coffer bench net --help)

        Measures the vault engine directly (no network): SET and GET operations per second on
        N fields (default 100000), and tenant shred time for tenants of each given size
        (default 1000,10000,100000).
        `rotation` measures KEY ROTATE with N subjects (default 100000), MASTER ROTATE with N
        tenants (default 10000), and DATA ROTATE in fields per second while a reader keeps
        reading. Both use a temporary directory unless --dir is given.
        `growth` starts a server per size (default 10000,100000,1000000 fields) and measures
        GET latency, SET throughput of 16 clients, server memory and memory per idle connection.
        `net` measures a running server over TLS with many pipelining clients.
        """

    static let benchNet = """
        Usage: coffer bench net --token-file OPERATOR_TOKEN [--config PATH | --host H --port P --ca PATH]
                                [--clients N] [--pipeline P] [--requests R] [--subjects S]
                                [--mix set=20,get=70,export=5,find=5] [--fields-per-set K]
                                [--keep] [--json]
               coffer bench net --start-server [same workload options]

        Measures the server over TLS, in the spirit of redis-benchmark. With the operator token
        it creates a fresh tenant (bench-<random>), loads S subjects with a phone number, an
        e-mail address and a postal address each (values of 20 to 120 bytes; at least 32
        requests in flight per client), then N clients, each on its own connection and keeping
        P requests in flight, send R operations drawn from the mix about random subjects. Each
        request's latency runs from the write that sent it to the read of its reply.
        Prints per operation: requests sent, OK replies, errors, unsupported (ERR
        UNKNOWN_COMMAND, left out of the throughput), operations and fields per second, and
        latency p50, p99 and p99.9. The tenant is shredded at the end unless --keep is given.
        Progress goes to standard error. Exit status: 0 when every request succeeded (or was
        unsupported), 1 when any failed or the run could not finish, 2 on usage errors.

        Options:
          --clients N          client connections, one thread each (default 16)
          --pipeline P         requests each client keeps in flight (default 16)
          --requests R         operations in the measured phase, over all clients (default 100000)
          --subjects S         subjects loaded first (default 100000)
          --mix op=w,...       relative weights of set, get, export and find; unnamed ones are 0
                               (default set=20,get=70,export=5,find=5; a server without
                               FIND answers UNKNOWN_COMMAND: counted as unsupported)
          --fields-per-set K   fields each SET of the measured phase writes, 1 to 10 (default 1)
          --keep               leave the benchmark tenant in place (its token is not shown)
          --json               print the report as one JSON object
          --start-server       run a server in this process, in a temporary directory on a free
                               loopback port, instead of connecting to one
          --config PATH        read host, port and certificate from this config file
          --host HOST          server address (default: listen.host of the config)
          --port PORT          server port (default: listen.port of the config)
          --ca PATH            PEM certificate to trust (default: tls.certificate of the config)
          --token-file PATH    the operator token (for example keys/operator.token)
          --help               show this text
        """

    static let audit = """
        Usage: coffer audit verify [--config PATH]

        Verifies the whole audit trail: every record's MAC over its content and the previous
        record's MAC, no missing sequence number, the start where the newest pruning record puts
        it, and the end at the head kept in the keyring. Opens the databases of paths.data
        directly with the master key under paths.keys (read-only; the server may be running).
        Prints the number of records checked, the keyring head, and the newest record's seq and
        MAC in hex ("head: record N, MAC …"); keep that line somewhere else: record N must keep
        that MAC, and a rewrite by someone who holds the master key cannot reproduce it.

        Exit status: 0 if the trail is intact, 1 if it is not (the first bad record is named),
        2 if it could not be checked (missing files, wrong master key, bad arguments).

        Options:
          --config PATH   the JSON config file (default: Config/coffer.json under the working directory)
          --help          show this text
        """
}
