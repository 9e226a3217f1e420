/**
 * A generated multi-section, multi-page report used by analysis tests (unit and integration): facts sit
 * on known pages so citations can be checked against them.
 */
export const REPORT_PAGES: { heading: string; lines: string[] }[] = [
  {
    heading: 'Introduction',
    lines: [
      'The Lake Veronne survey measures the water quality of a large alpine lake every summer.',
      'The lake supplies drinking water to the towns of Carrel and Monthey in the valley below.',
      'Algal blooms in recent summers have raised concern about nutrient run-off from nearby farms.',
      'This report summarises the survey, its methods and its main findings for the regional council.',
    ],
  },
  {
    heading: 'Methods',
    lines: [
      'The survey of Lake Veronne began in 1987 under the regional water agency.',
      'Samples are taken at twelve fixed stations from a boat every second week between May and September.',
      'Each sample is tested for phosphorus, nitrate, dissolved oxygen and chlorophyll in the agency laboratory.',
      'Field teams also record water temperature and clarity with a Secchi disk at every station.',
    ],
  },
  {
    heading: 'Results',
    lines: [
      'Phosphorus concentrations doubled between 1995 and 2015 at the stations near the northern inlet.',
      'Dissolved oxygen near the lake bottom fell below safe levels in three of the last five summers.',
      'Chlorophyll peaks now arrive two weeks earlier than they did when the survey began.',
      'The council has asked farmers in the northern catchment to reduce fertiliser use by a third.',
    ],
  },
];

/**
 * A generated three-page book chapter with an endnotes page (issue 14): the notes repeat the body's
 * names and facts in the dense form that ranks well lexically, so without structure roles a note would
 * answer questions the body answers as well. Lines stay short enough for the fixture PDF's page width.
 */
export const NOTES_BOOK_PAGES: { heading: string; lines: string[] }[] = [
  {
    heading: 'The Video Wars',
    lines: [
      'In the early 1980s the film studios went to war against a new machine, the videocassette recorder.',
      'Jack Valenti was the president of the Motion Picture Association of America.',
      'He spoke for the Hollywood studios in Washington from 1966 to 2004.',
      'Sony sold its Betamax recorder to families who wanted to watch television programmes later.',
    ],
  },
  {
    heading: 'Before Congress',
    lines: [
      'In 1982 Jack Valenti testified before a congressional hearing on the recorder.',
      'Jack Valenti gave his testimony on home recording to a subcommittee of the 97th Congress in April 1982.',
      'He said the videocassette recorder was to the film producer what the strangler was to a woman alone.',
      'The studios asked Congress for a tax on every recorder and every blank tape sold.',
      'The Supreme Court decided in 1984 that recording television at home was fair use.',
      'Within a few years the studios earned more from video rentals than from cinema tickets.',
    ],
  },
  {
    heading: 'Notes',
    lines: [
      '1. Jack Valenti, testimony before the congressional hearing on the videocassette recorder, 1982, p. 8.',
      '2. Sony Corp. of America v. Universal City Studios, 464 U.S. 417 (1984).',
      '3. Home Recording of Copyrighted Works, hearings, 97th Congress (1982) (testimony of Jack Valenti).',
      '4. Jack Valenti, testimony on home recording, subcommittee hearings, 97th Congress, April 1982.',
    ],
  },
];
