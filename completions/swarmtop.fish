# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_swarmtop_global_optspecs
    string join \n c/context= H/host= tls tlsverify tlscacert= tlscert= tlskey= read-only log-file= demo theme= keymap= h/help V/version
end

function __fish_swarmtop_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_swarmtop_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_swarmtop_using_subcommand
    set -l cmd (__fish_swarmtop_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c swarmtop -n "__fish_swarmtop_needs_command" -s c -l context -d 'Docker context to use (see `docker context ls`). Give it before the subcommand, as with docker: `-c` after `stack deploy` names a compose file' -r
complete -c swarmtop -n "__fish_swarmtop_needs_command" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l log-file -d 'Write a debug log here (connections, actions and their outcome; never typed keys, secret data or tokens). Nothing is logged without it' -r -F
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -l demo -d 'Try swarmtop on a simulated swarm with a few problems (no engine needed)'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -s V -l version -d 'Print version'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "snapshot" -d 'Print the cluster once (nodes, services, tasks, stacks, secrets and configs metadata) and exit'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "node" -d 'Drain, activate, pause, promote or demote a node (demote has the quorum guard)'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "service" -d 'Scale, update the image of, or roll back a service'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "secret" -d 'Create a secret from a file or stdin'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "stack" -d 'Deploy, list and remove stacks (compose files), like `docker stack`'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "keys" -d 'Print the keys of the active keymap (config.yaml, the context, --keymap)'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "fleet" -d 'Every swarm at a glance: each docker context (or config.yaml\'s `fleet:`) with its health in one line, all checked at once, 5 s each at most. Only reads'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "config" -d 'Where the settings files are, and whether they are right'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "completions" -d 'Print the shell completion script for bash, zsh or fish (README: Shell completion)'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "man" -d 'Print the man page (roff): `swarmtop man | man -l -`; with --dir, write it and a page for each subcommand (swarmtop-stack-deploy.1, ...) there'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "install-plugin" -d 'Make `docker swarmtop` run this swarmtop: a link named docker-swarmtop in the docker CLI\'s plugin directory ($DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins)'
complete -c swarmtop -n "__fish_swarmtop_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l format -r -f -a "json\t''
table\t''"
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand snapshot" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -f -a "drain" -d 'Move the node\'s tasks elsewhere and schedule nothing there (prints what moves)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -f -a "activate" -d 'Schedule tasks on the node again'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -f -a "pause" -d 'Keep the node\'s tasks but schedule no new ones there'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -f -a "promote" -d 'Make the node a manager'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -f -a "demote" -d 'Make the manager a worker; refused when it would lose the raft quorum'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and not __fish_seen_subcommand_from drain activate pause promote demote help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from activate" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from promote" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l force -d 'Demote even though the quorum would be lost'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from demote" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "drain" -d 'Move the node\'s tasks elsewhere and schedule nothing there (prints what moves)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "activate" -d 'Schedule tasks on the node again'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Keep the node\'s tasks but schedule no new ones there'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "promote" -d 'Make the node a manager'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "demote" -d 'Make the manager a worker; refused when it would lose the raft quorum'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -f -a "scale" -d 'Set the number of replicas: `swarmtop service scale web=5`'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -f -a "update" -d 'Roll the service to another image, change how it rolls, or restart its tasks (`--force`), as `docker service update` with the same flags. Everything else in the service\'s spec is kept as it is'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -f -a "rollback" -d 'Roll the service back to its previous spec'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -f -a "create" -d 'Create a service, with the flags of `docker service create` that swarmtop\'s form has'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and not __fish_seen_subcommand_from scale update rollback create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from scale" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l image -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l update-parallelism -d 'Tasks updated at once (0: all)' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l update-delay -d 'Pause between batches, e.g. 10s' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l update-monitor -d 'How long a new task must run to count as updated, e.g. 5s' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l update-failure-action -d 'pause, continue or rollback' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l update-order -d 'stop-first or start-first' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l force -d 'Restart every task even though nothing changed (a force update)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l name -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l mode -d 'replicated or global' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l replicas -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -s e -l env -d 'NAME=value; repeat for more' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -s p -l publish -d 'PUBLISHED:TARGET[/udp], host:PUBLISHED:TARGET, or mode=host,published=N,target=N' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l constraint -d 'e.g. node.role==worker; repeat for more' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l update-parallelism -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l update-delay -d 'e.g. 10s' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l secret -d 'a secret\'s name; repeat for more' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l config -d 'a config\'s name; repeat for more' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l restart-condition -d 'any, on-failure or none' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l network -d 'a swarm-scoped network\'s name or ID; repeat for more' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l mount -d 'as docker\'s --mount: type=bind,src=/srv,dst=/data,ro; repeat for more' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l limit-cpu -d 'CPUs, e.g. 0.5' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l limit-memory -d 'bytes, e.g. 512M' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l reserve-cpu -d 'CPUs, e.g. 0.25' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l reserve-memory -d 'bytes, e.g. 256M' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -s l -l label -d 'a service label, key=value; repeat for more' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l health-cmd -d 'run by the shell in the container (CMD-SHELL)' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l health-interval -d 'e.g. 30s' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l health-timeout -d 'e.g. 5s' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l health-retries -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l health-start-period -d 'e.g. 1m' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from help" -f -a "scale" -d 'Set the number of replicas: `swarmtop service scale web=5`'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from help" -f -a "update" -d 'Roll the service to another image, change how it rolls, or restart its tasks (`--force`), as `docker service update` with the same flags. Everything else in the service\'s spec is kept as it is'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from help" -f -a "rollback" -d 'Roll the service back to its previous spec'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a service, with the flags of `docker service create` that swarmtop\'s form has'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Create a secret from FILE, or from stdin with `-`'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a secret from FILE, or from stdin with `-`'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -f -a "deploy" -d 'Deploy a new stack or update an existing one (shows the plan, then applies it)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -f -a "rm" -d 'Remove a stack: its services, secrets, configs and networks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -f -a "ls" -d 'List the stacks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -f -a "ps" -d 'List a stack\'s tasks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -f -a "file" -d 'Print the stack\'s compose file: the one swarmtop stored, or one rebuilt from the specs'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and not __fish_seen_subcommand_from deploy rm ls ps file help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -s c -l compose-file -d 'Compose file; repeat to merge several, later files override earlier ones' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l resolve-image -d 'Ask a registry for image digests: always, changed (images that changed) or never' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l prune -d 'Remove services that are no longer in the file'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l dry-run -d 'Print the plan and change nothing'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from deploy" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from file" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from help" -f -a "deploy" -d 'Deploy a new stack or update an existing one (shows the plan, then applies it)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a stack: its services, secrets, configs and networks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the stacks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from help" -f -a "ps" -d 'List a stack\'s tasks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from help" -f -a "file" -d 'Print the stack\'s compose file: the one swarmtop stored, or one rebuilt from the specs'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l markdown -d 'As Markdown: KEYS.md is this for the default keymap'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand keys" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l format -r -f -a "json\t''
table\t''"
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand fleet" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -f -a "path" -d 'Print where config.yaml, keymaps/ and themes/ are looked up, and which exist'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -f -a "check" -d 'Check every settings file; print each problem (file:line: key: what) and exit 1 if any'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and not __fish_seen_subcommand_from path check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print where config.yaml, keymaps/ and themes/ are looked up, and which exist'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check every settings file; print each problem (file:line: key: what) and exit 1 if any'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand completions" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l dir -d 'Write every page into this directory (e.g. /usr/local/share/man/man1)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand man" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l dir -d 'Put the link in this directory instead' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -s H -l host -d 'Engine to connect to: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it to list fallback managers' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l tlscacert -d 'Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l tlscert -d 'TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l tlskey -d 'TLS key file (default $DOCKER_CERT_PATH/key.pem)' -r -F
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l theme -d 'Theme to use (built in: default, light, mono, red-alert; or a file in the config directory\'s themes/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l keymap -d 'Keymap to use (built in: default, vim, tmux; or a file in the config directory\'s keymaps/). Wins over config.yaml' -r
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l force -d 'Replace a docker-swarmtop there that is not a link to swarmtop'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l tls -d 'Use TLS; implied by --tlsverify'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l tlsverify -d 'Use TLS and verify the engine\'s certificate'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -l read-only -d 'Change nothing in the cluster: actions that would are refused. Wins over config.yaml'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand install-plugin" -s h -l help -d 'Print help'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "snapshot" -d 'Print the cluster once (nodes, services, tasks, stacks, secrets and configs metadata) and exit'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "node" -d 'Drain, activate, pause, promote or demote a node (demote has the quorum guard)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "service" -d 'Scale, update the image of, or roll back a service'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "secret" -d 'Create a secret from a file or stdin'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "stack" -d 'Deploy, list and remove stacks (compose files), like `docker stack`'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "keys" -d 'Print the keys of the active keymap (config.yaml, the context, --keymap)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "fleet" -d 'Every swarm at a glance: each docker context (or config.yaml\'s `fleet:`) with its health in one line, all checked at once, 5 s each at most. Only reads'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "config" -d 'Where the settings files are, and whether they are right'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "completions" -d 'Print the shell completion script for bash, zsh or fish (README: Shell completion)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "man" -d 'Print the man page (roff): `swarmtop man | man -l -`; with --dir, write it and a page for each subcommand (swarmtop-stack-deploy.1, ...) there'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "install-plugin" -d 'Make `docker swarmtop` run this swarmtop: a link named docker-swarmtop in the docker CLI\'s plugin directory ($DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from node" -f -a "drain" -d 'Move the node\'s tasks elsewhere and schedule nothing there (prints what moves)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from node" -f -a "activate" -d 'Schedule tasks on the node again'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from node" -f -a "pause" -d 'Keep the node\'s tasks but schedule no new ones there'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from node" -f -a "promote" -d 'Make the node a manager'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from node" -f -a "demote" -d 'Make the manager a worker; refused when it would lose the raft quorum'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from service" -f -a "scale" -d 'Set the number of replicas: `swarmtop service scale web=5`'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from service" -f -a "update" -d 'Roll the service to another image, change how it rolls, or restart its tasks (`--force`), as `docker service update` with the same flags. Everything else in the service\'s spec is kept as it is'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from service" -f -a "rollback" -d 'Roll the service back to its previous spec'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from service" -f -a "create" -d 'Create a service, with the flags of `docker service create` that swarmtop\'s form has'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "create" -d 'Create a secret from FILE, or from stdin with `-`'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from stack" -f -a "deploy" -d 'Deploy a new stack or update an existing one (shows the plan, then applies it)'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from stack" -f -a "rm" -d 'Remove a stack: its services, secrets, configs and networks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from stack" -f -a "ls" -d 'List the stacks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from stack" -f -a "ps" -d 'List a stack\'s tasks'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from stack" -f -a "file" -d 'Print the stack\'s compose file: the one swarmtop stored, or one rebuilt from the specs'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print where config.yaml, keymaps/ and themes/ are looked up, and which exist'
complete -c swarmtop -n "__fish_swarmtop_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Check every settings file; print each problem (file:line: key: what) and exit 1 if any'

# swarmtop: names from the docker CLI's contexts and from the swarm (swarmtop __complete),
# asked with the connection options typed so far
function __swarmtop_names
    set -l conn
    set -l words (commandline -opc)
    for i in (seq 2 (count $words))
        switch $words[$i]
            case -c --context -H --host
                set -a conn $words[$i] $words[(math $i + 1)]
        end
    end
    swarmtop $conn __complete $argv[1] 2>/dev/null
end
complete -c swarmtop -n "not __fish_seen_subcommand_from snapshot node service secret stack keys fleet config completions man install-plugin help" -s c -l context -x -a "(swarmtop __complete contexts 2>/dev/null)"
complete -c swarmtop -n "__fish_swarmtop_using_subcommand stack; and __fish_seen_subcommand_from rm remove ps file" -f -a "(__swarmtop_names stacks)"
complete -c swarmtop -n "__fish_swarmtop_using_subcommand service; and __fish_seen_subcommand_from rollback update scale" -f -a "(__swarmtop_names services)"
complete -c swarmtop -n "__fish_swarmtop_using_subcommand node; and __fish_seen_subcommand_from drain activate pause promote demote" -f -a "(__swarmtop_names nodes)"
