/// The `--help` texts of every command.
enum HelpText {
    static let main = """
        coffer — an encrypted personal-data vault

        Usage: coffer <command> [options]

        Commands:
          serve     run the server (TLS line protocol)
          call      send request lines to a running server and print the replies
          shell     an interactive session with a running server
          bench     measure the vault engine (see: coffer bench --help)
          audit     verify the audit trail (see: coffer audit --help)

        Run `coffer <command> --help` for the options of a command.
        """

    static let serve = """
        Usage: coffer serve [--config PATH]

        Runs the server. Without --config it reads Config/coffer.json under the working
        directory (every key has a default, so the file may be absent). On first start it creates
        the master key, a self-signed TLS certificate for localhost and 127.0.0.1 and the operator
        token (all mode 0600) where bootstrap.createMissingKeys is true. It prints
        "listening on HOST:PORT" to standard error once it accepts connections, and on SIGINT or
        SIGTERM finishes the requests in flight and exits with status 0.

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

    static let bench = """
        Usage: coffer bench engine [--dir PATH] [--fields N] [--shred-sizes N,N,...]

        Measures the vault engine directly (no network): SET and GET operations per second on
        N fields (default 100000), and tenant shred time for tenants of each given size
        (default 1000,10000,100000). Uses a temporary directory unless --dir is given.
        """

    static let audit = """
        Usage: coffer audit verify [--config PATH]

        Verifies the whole audit trail: every record's MAC over its content and the previous
        record's MAC, no missing sequence number, the start where the newest pruning record puts
        it, and the end at the head kept in the keyring. Opens the databases of paths.data
        directly with the master key under paths.keys (read-only; the server may be running).
        Prints the number of records checked and the keyring head; keep that line somewhere
        else to detect a rewrite by someone who holds the master key.

        Exit status: 0 if the trail is intact, 1 if it is not (the first bad record is named),
        2 if it could not be checked (missing files, wrong master key, bad arguments).

        Options:
          --config PATH   the JSON config file (default: Config/coffer.json under the working directory)
          --help          show this text
        """
}
