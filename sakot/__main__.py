from sakot.cli import main

main()
